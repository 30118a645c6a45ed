package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/specs"
)

// demoPassword stands in for SMTPSPEC_DEMO_* secrets the examples name;
// the simulator accepts any credentials.
const demoPassword = "demo-password-not-a-secret"

func cmdDemo(ctx context.Context, e env, args []string) int {
	flags := newFlags("demo", "[--keep] [--quiet] [--format human|json]", e)
	keep := flags.Bool("keep", false, "keep the temporary golden folder and print its path")
	quiet := flags.Bool("quiet", false, "do not print the transcripts")
	format := flags.String("format", "human", "report format: human or json")
	if _, err := parse(flags, args); err != nil {
		return flagExit(e, flags, err)
	}
	if *format != "human" && *format != "json" {
		errorf(e.stderr, "demo: unknown --format %q (human or json)", *format)
		return exitUsage
	}
	meta := runMeta(time.Now())
	// One CA signs every simulator's certificate and the relay-certificate
	// example's client certificate (demo_cert.go); the probe trusts it and
	// nothing else, and it is gone when the demo ends.
	ca, err := sim.NewCA()
	if err != nil {
		errorf(e.stderr, "demo: %v", err)
		return exitFail
	}
	client, err := newDemoClient(ca, time.Now())
	if err != nil {
		errorf(e.stderr, "demo: %v", err)
		return exitFail
	}
	sites, ok := loadExamples(e, demoGetenv(e, client), client.readExample)
	if !ok {
		return exitUsage
	}
	stop, err := startSimulators(ca, sites)
	if err != nil {
		errorf(e.stderr, "demo: %v", err)
		return exitFail
	}
	defer stop()

	dir, err := os.MkdirTemp("", "smtpspec-demo-golden-")
	if err != nil {
		errorf(e.stderr, "demo: %v", err)
		return exitFail
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	d := demo{e: e, sites: sites, quiet: *quiet, opts: runner.Options{Parallel: len(sites),
		Golden: golden.Store{Dir: dir}, Probe: runner.ProbeOptions{RootCAs: ca.Pool()}}}
	if *format == "json" {
		return d.json(ctx, meta)
	}
	code := d.human(ctx)
	if *keep {
		fmt.Fprintf(e.stdout, "goldens kept in %s\n", dir)
	}
	return code
}

// demoGetenv stands in for the secrets the examples name: the simulator
// accepts any credentials, and the relay-certificate example's key is the
// one this demo's CA issued.
func demoGetenv(e env, client *demoClient) func(string) string {
	return func(k string) string {
		if k == demoClientKeyVar {
			return string(client.keyPEM) // only this demo's CA trusts it
		}
		if v := e.getenv(k); v != "" {
			return v
		}
		if strings.HasPrefix(k, "SMTPSPEC_DEMO_") {
			return demoPassword
		}
		return ""
	}
}

// loadExamples loads the embedded example specs.
func loadExamples(e env, getenv func(string) string, readFile func(string) ([]byte, error)) ([]*specs.Site, bool) {
	l := specs.NewLoader(getenv)
	l.SetReadFile(readFile) // demo_cert.go
	var sites []*specs.Site
	var all []error
	names, _ := fs.Glob(specs.Examples, "examples/*.hcl")
	for _, n := range names {
		src, err := fs.ReadFile(specs.Examples, n)
		if err != nil {
			all = append(all, err)
			continue
		}
		s, diags := l.LoadSource(n, src)
		if diags.HasErrors() {
			specs.WriteDiagnostics(e.stderr, l.Files(), diags, 100, false)
			all = append(all, diags)
		}
		sites = append(sites, s...)
	}
	if len(all) > 0 {
		errorf(e.stderr, "demo: the embedded examples do not load (a bug: please report it)")
		return nil, false
	}
	return sites, true
}

// startSimulators serves, for each example site, the scenario of the same
// name on its own loopback port and points the site at it. ca signs every
// simulator's certificate and is the root a certificate connector trusts
// (the simulator's default), so the demo's issued client certificate
// verifies and nothing else does.
func startSimulators(ca *sim.CA, sites []*specs.Site) (stop func(), err error) {
	var servers []*sim.Server
	stop = func() {
		for _, s := range servers {
			s.Close()
		}
	}
	for _, site := range sites {
		sc, err := sim.Find(site.Name)
		if err != nil {
			stop()
			return nil, fmt.Errorf("example %q has no simulator scenario: %v", site.Name, err)
		}
		srv, addr, err := sim.Listen(sc, sim.Options{CA: ca})
		if err != nil {
			stop()
			return nil, err
		}
		servers = append(servers, srv)
		site.Endpoint.Host = "127.0.0.1"
		site.Endpoint.MXDomain = ""
		site.Endpoint.Port = addr.Port
		site.Endpoint.ServerName = "localhost"
	}
	return stop, nil
}
