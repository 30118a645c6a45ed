package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"time"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
	"github.com/smtpspec/smtpspec/sim"
)

func cmdSim(ctx context.Context, e env, args []string) int {
	fs := newFlags("sim", "--scenario NAME [--listen ADDR] [--domain DOMAIN] [--ca-out FILE] [--client-cert-out FILE --client-key-out FILE] | --list", e)
	listen := fs.String("listen", "127.0.0.1:2525", "loopback `ADDR` to listen on")
	name := fs.String("scenario", "", "scenario to serve (see --list)")
	domain := fs.String("domain", sim.DefaultDomain, "the simulated tenant's accepted `DOMAIN` (and its subdomains): use your own to point your spec at the simulator")
	caOut := fs.String("ca-out", "", "write the CA certificate (PEM) that signed the server's certificate to `FILE`")
	list := fs.Bool("list", false, "list the scenarios")
	client := addSimClientCertFlags(fs) // sim_clientcert.go
	if _, err := parse(fs, args); err != nil {
		return flagExit(e, fs, err)
	}
	if err := client.check(); err != nil {
		errorf(e.stderr, "sim: %v", err)
		return exitUsage
	}
	if *list {
		for _, sc := range sim.Scenarios() {
			fmt.Fprintf(e.stdout, "%-30s %-12s %s\n", sc.Name, sc.Method, sc.Summary)
		}
		return exitOK
	}
	if *name == "" {
		errorf(e.stderr, "sim: --scenario is required (smtpspec sim --list shows them)")
		return exitUsage
	}
	sc, err := sim.Find(*name)
	if err != nil {
		errorf(e.stderr, "sim: %v", err)
		return exitUsage
	}
	if err := checkLoopback(*listen); err != nil {
		errorf(e.stderr, "sim: %v", err)
		return exitUsage
	}
	tenant, err := sim.ValidDomain(*domain)
	if err != nil {
		errorf(e.stderr, "--domain: %v", err)
		return exitUsage
	}
	srv, err := sim.NewServer(sc, sim.Options{Domain: tenant})
	if err != nil {
		errorf(e.stderr, "sim: %v", err)
		return exitFail
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		errorf(e.stderr, "sim: %v", err)
		return exitFail
	}
	if *caOut != "" {
		if err := atomicfile.Write(*caOut, srv.CA().CertPEM); err != nil {
			ln.Close()
			errorf(e.stderr, "sim: %v", err)
			return exitFail
		}
	}
	if client.wanted() {
		certName := client.certName(tenant)
		notAfter, err := client.write(srv.CA(), certName, time.Now())
		if err != nil {
			ln.Close()
			errorf(e.stderr, "sim: %v", err)
			return exitFail
		}
		fmt.Fprintf(e.stdout, "smtpspec sim: client certificate for %s (valid until %s, from this run's CA) in %s, its key in %s\n",
			certName, notAfter.UTC().Format(time.DateOnly), *client.certOut, *client.keyOut)
		if !sc.ClientCert {
			fmt.Fprintf(e.stderr, "smtpspec sim: note: scenario %s does not ask for a client certificate (relay-certificate does)\n", sc.Name)
		}
	}
	simHint(e, tenant, ln.Addr(), *caOut)
	fmt.Fprintf(e.stdout, "smtpspec sim: scenario %s (%s) on %s; Ctrl-C stops\n", sc.Name, sc.Summary, ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		srv.Close()
		<-done
		return exitOK
	case err := <-done:
		srv.Close()
		if err != nil {
			errorf(e.stderr, "sim: %v", err)
			return exitFail
		}
		return exitOK
	}
}

// checkLoopback refuses to serve the simulator beyond this machine: it
// imitates Microsoft 365 and must never be mistaken for it on a network.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--listen %q: the simulator serves loopback addresses only (127.0.0.0/8, ::1, localhost)", addr)
	}
	return nil
}

// simHint says whose tenant the simulator plays and how to point a spec
// at it: what a user needs to try their own spec before Microsoft 365.
func simHint(e env, tenant string, addr net.Addr, caOut string) {
	fmt.Fprintf(e.stdout, "smtpspec sim: tenant domain %s (its addresses and subdomains are the tenant's own; the scenario summaries say contoso.com)\n", tenant)
	host, port, _ := net.SplitHostPort(addr.String())
	// ca_file is relative to the spec's folder, not to where sim runs:
	// an absolute path works from any spec.
	ca := caOut
	if ca == "" {
		ca = "<the file --ca-out writes>"
	} else if abs, err := filepath.Abs(ca); err == nil {
		ca = abs
	}
	fmt.Fprintf(e.stdout, "smtpspec sim: point a site at it with endpoint { host = %q  port = %s  server_name = \"localhost\"  ca_file = %q }\n",
		host, port, ca)
}
