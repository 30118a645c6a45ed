//go:build latency

package bench

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/sim"
)

// The latency benchmark (run by latency.sh): for each method, smtpspec and
// swaks probe the same server through the same Proxy, in the same run;
// each is reported as its wall time divided by the RTT, i.e. the round
// trips it used (plus its own start-up and CPU, in RTT units).
var (
	rttsFlag   = flag.String("rtt", "25ms", "round-trip times to measure at, comma-separated")
	runsFlag   = flag.Int("runs", 7, "runs per method and tool; the median is reported")
	postfixOpt = flag.Bool("postfix", true, "also measure against a private Postfix when it is installed and we are root")
)

// method is one way a device sends, as smtpspec and swaks are told to.
type method struct {
	name     string
	floor    int    // the protocol's floor in round trips (issue 8)
	method   string // the spec's method
	auth     string // "" (none), LOGIN, PLAIN or XOAUTH2
	from, to string
	// systemRoots: the spec names no ca_file, as a spec for Microsoft 365
	// does, and the server's CA is added to a copy of the system's roots
	// (SSL_CERT_FILE): smtpspec then reads and parses the system's ~300
	// roots as it does against Microsoft 365, which with a ca_file it
	// does not (runner/tls.go).
	systemRoots bool
}

var methods = []method{
	{name: "direct_send", floor: 7, method: "direct_send", from: "scanner@contoso.com", to: "frontdesk@contoso.com"},
	{name: "direct_send, sys roots", floor: 7, method: "direct_send", from: "scanner@contoso.com", to: "frontdesk@contoso.com", systemRoots: true},
	{name: "relay", floor: 7, method: "relay", from: "scanner@contoso.com", to: "orders@fabrikam.example"},
	{name: "submission XOAUTH2", floor: 8, method: "submission", auth: "XOAUTH2", from: "scanner@contoso.com", to: "frontdesk@contoso.com"},
	{name: "submission PLAIN", floor: 8, method: "submission", auth: "PLAIN", from: "scanner@contoso.com", to: "frontdesk@contoso.com"},
	{name: "submission LOGIN", floor: 10, method: "submission", auth: "LOGIN", from: "scanner@contoso.com", to: "frontdesk@contoso.com"},
}

// server is a target: the simulator scenario for a method, or Postfix.
type server struct {
	name   string
	addr   func(m method) string // "" when this server cannot play m
	caFile string
}

func TestLatency(t *testing.T) {
	if *binFlag == "" {
		t.Fatal("-smtpspec BINARY is required (latency.sh builds and passes it)")
	}
	var rtts []time.Duration
	for _, s := range strings.Split(*rttsFlag, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d <= 0 {
			t.Fatalf("-rtt %q: %v", s, err)
		}
		rtts = append(rtts, d)
	}
	dir := t.TempDir()
	var out bytes.Buffer
	servers := []server{simServers(t, dir)}
	if *postfixOpt {
		if pf, why := postfixServer(t); why != "" {
			fmt.Fprintf(&out, "Postfix: not measured (%s)\n", why)
		} else {
			servers = append(servers, pf)
		}
	}
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		fmt.Fprintf(&out, "swaks: not installed, its columns are empty (apt-get install swaks)\n")
		swaks = ""
	}
	fmt.Fprintf(&out, "round trips = wall time of the whole process / RTT, best / median of %d runs;\n"+
		"floor per issue 8; no-pipe: client { pipelining = false }; swaks-pipe: swaks --pipeline\n\n", *runsFlag)
	fmt.Fprintf(&out, "%-8s %-6s %-22s %5s | %-13s %-15s | %7s | %-13s | %10s\n", "server", "RTT", "method", "floor",
		"smtpspec", "vs floor", "no-pipe", "swaks", "swaks-pipe")
	for _, rtt := range rtts {
		for _, srv := range servers {
			for _, m := range methods {
				target := srv.addr(m)
				if target == "" {
					continue
				}
				p, err := NewProxy(target, rtt)
				if err != nil {
					t.Fatal(err)
				}
				row := measure(t, dir, srv, m, p.Addr(), swaks)
				p.Close()
				fmt.Fprintf(&out, "%-8s %-6s %-22s %5d | %-13s %-15s | %7s | %-13s | %10s\n", srv.name, rtt, m.name, m.floor,
					bestMedian(row.smtpspec, rtt), vsFloor(slices.Min(orZero(row.smtpspec)), rtt, m.floor)+" / "+vsFloor(median(row.smtpspec), rtt, m.floor),
					ratio(median(row.noPipe), rtt), bestMedian(row.swaks, rtt), ratio(median(row.swaksPipe), rtt))
			}
		}
	}
	fmt.Fprintf(&out, "\nthe proxy's own excess per round trip (echo server, median of 15): ")
	for i, rtt := range rtts {
		if i > 0 {
			fmt.Fprintf(&out, ", ")
		}
		fmt.Fprintf(&out, "%s at %s", proxyExcess(t, rtt).Round(10*time.Microsecond), rtt)
	}
	fmt.Fprintln(&out)
	fmt.Print(out.String())
	if *outFlag != "" {
		if err := os.WriteFile(*outFlag, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// row is one method's wall times per tool; empty means not measured.
type row struct{ smtpspec, noPipe, swaks, swaksPipe []time.Duration }

// measure runs each tool *runsFlag times through the proxy at addr,
// interleaved so that a slow moment of the machine hits all of them.
func measure(t *testing.T, dir string, srv server, m method, addr, swaks string) row {
	host, port, _ := net.SplitHostPort(addr)
	name := strings.ReplaceAll(srv.name+"-"+m.name, " ", "-")
	specDir := filepath.Join(dir, name)
	golden := filepath.Join(dir, name+"-golden")
	for _, d := range []string{specDir, golden} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeSpec(t, filepath.Join(specDir, "pipe.hcl"), "pipe", m, host, port, srv.caFile, true)
	writeSpec(t, filepath.Join(specDir, "nopipe.hcl"), "nopipe", m, host, port, srv.caFile, false)
	env := benchEnv(dir)
	if m.systemRoots {
		env = append(env, "SSL_CERT_FILE="+systemRootsWith(t, dir, srv.caFile))
	}
	run := func(site string, update bool) func() error {
		args := []string{"run", "--golden", golden, "--site", site, specDir}
		if update {
			args = append(args, "--update")
		}
		return func() error {
			cmd := exec.Command(*binFlag, args...)
			cmd.Env = env
			if b, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("smtpspec %s: %v\n%s", strings.Join(args, " "), err, b)
			}
			return nil
		}
	}
	// Record the goldens first: the measured runs compare with them, as CI does.
	for _, site := range []string{"pipe", "nopipe"} {
		if err := run(site, true)(); err != nil {
			t.Fatal(err)
		}
	}
	tools := map[string]func() error{"smtpspec": run("pipe", false), "nopipe": run("nopipe", false)}
	if swaks != "" && m.auth != "XOAUTH2" { // swaks has no XOAUTH2
		args := swaksArgs(m, host, port)
		tools["swaks"] = command(swaks, args...)
		tools["swaks-pipe"] = command(swaks, append(args, "--pipeline")...)
	}
	times := map[string][]time.Duration{}
	for range *runsFlag {
		for _, tool := range slices.Sorted(maps.Keys(tools)) {
			start := time.Now()
			if err := tools[tool](); err != nil {
				t.Fatalf("%s %s: %v", srv.name, m.name, err)
			}
			times[tool] = append(times[tool], time.Since(start))
		}
	}
	return row{times["smtpspec"], times["nopipe"], times["swaks"], times["swaks-pipe"]}
}

// writeSpec writes a site that probes m at host:port, trusting caFile.
func writeSpec(t *testing.T, path, site string, m method, host, port, caFile string, pipelining bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "site %q {\n  method = %q\n", site, m.method)
	if m.systemRoots {
		fmt.Fprintf(&b, "  endpoint {\n    host = %q\n    port = %s\n    server_name = \"localhost\"\n  }\n", host, port)
	} else {
		fmt.Fprintf(&b, "  endpoint {\n    host = %q\n    port = %s\n    server_name = \"localhost\"\n    ca_file = %q\n  }\n", host, port, caFile)
	}
	fmt.Fprintf(&b, "  client {\n    helo = \"mfp.contoso.test\"\n    pipelining = %t\n  }\n", pipelining)
	switch m.auth {
	case "":
	case "XOAUTH2":
		fmt.Fprintf(&b, "  auth {\n    mechanism = \"XOAUTH2\"\n    username = %q\n    token = env(\"BENCH_TOKEN\")\n  }\n", m.from)
	default:
		fmt.Fprintf(&b, "  auth {\n    mechanism = %q\n    username = %q\n    password = env(\"BENCH_PASSWORD\")\n  }\n", m.auth, m.from)
	}
	fmt.Fprintf(&b, "  envelope {\n    from = %q\n    to = [%q]\n  }\n}\n", m.from, m.to)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// swaksArgs is what a technician types to check the same path: STARTTLS,
// the same EHLO name and envelope, stop after RCPT TO (as smtpspec does).
func swaksArgs(m method, host, port string) []string {
	args := []string{"--server", host, "--port", port, "--ehlo", "mfp.contoso.test", "--tls",
		"--from", m.from, "--to", m.to, "--quit-after", "RCPT", "--silent", "2"}
	if m.auth != "" {
		args = append(args, "--auth", m.auth, "--auth-user", m.from, "--auth-password", benchPassword)
	}
	return args
}

func command(bin string, args ...string) func() error {
	return func() error {
		if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			return fmt.Errorf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, b)
		}
		return nil
	}
}

// simServers starts one simulator per scenario the methods need, all
// signed by one CA written to dir.
func simServers(t *testing.T, dir string) server {
	addrs, caFile := startSimulators(t, dir, []string{"directsend-ok", "relay-ok", "submission-ok"}, sim.Options{})
	return server{name: "sim", caFile: caFile, addr: func(m method) string {
		switch {
		case m.auth == "PLAIN":
			return "" // Microsoft 365 answers AUTH PLAIN with 504 5.7.4, so does the simulator
		case m.method == "direct_send":
			return addrs["directsend-ok"]
		case m.method == "relay":
			return addrs["relay-ok"]
		}
		return addrs["submission-ok"]
	}}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// bestMedian is "best / median" in round trips: noise on a shared
// machine only ever adds time, so the best run is the closest to what
// the protocol costs, and the median is what a user typically waits.
func bestMedian(d []time.Duration, rtt time.Duration) string {
	if len(d) == 0 {
		return "-"
	}
	return ratio(slices.Min(d), rtt) + " / " + ratio(median(d), rtt)
}

func orZero(d []time.Duration) []time.Duration {
	if len(d) == 0 {
		return []time.Duration{0}
	}
	return d
}

func ratio(d, rtt time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(d)/float64(rtt))
}

func vsFloor(d, rtt time.Duration, floor int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.1f%%", (float64(d)/float64(rtt)/float64(floor)-1)*100)
}

// systemBundles are the files crypto/x509 reads the system's roots from
// first (Debian/Ubuntu, Fedora/RHEL, ...); the directory /etc/ssl/certs is
// read as well, whatever SSL_CERT_FILE says.
var systemBundles = []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"}

// systemRootsWith writes the system's root bundle plus caFile to dir and
// returns its path, for SSL_CERT_FILE. Without a system bundle the file
// holds caFile alone, and the row measures less than a real system would.
func systemRootsWith(t *testing.T, dir, caFile string) string {
	out := filepath.Join(dir, "system-roots+"+filepath.Base(caFile))
	var b []byte
	for _, f := range systemBundles {
		if sys, err := os.ReadFile(f); err == nil {
			b = append(sys, '\n')
			break
		}
	}
	ca, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, append(b, ca...), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}
