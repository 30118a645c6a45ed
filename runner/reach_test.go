package runner

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/dnsq"
	"github.com/smtpspec/smtpspec/dnsq/dnsserver"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// No runner test may ask the system's resolvers: a probe that falls back
// to them here meets a loopback port where nothing answers.
func init() {
	systemResolvers = func() (*dnsq.Client, error) {
		return &dnsq.Client{Servers: []string{"127.0.0.1:1"}}, nil
	}
}

// reachEnv is a loopback DNS server with testdata/reach/site.zone and a
// simulator scenario on loopback.
type reachEnv struct {
	dns  *dnsserver.Server
	port int
	ca   *sim.CA
}

func newReachEnv(t *testing.T, scenario string) *reachEnv {
	t.Helper()
	zone, err := os.ReadFile("testdata/reach/site.zone")
	if err != nil {
		t.Fatal(err)
	}
	d, err := dnsserver.Start(string(zone))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := sim.Find(scenario)
	if err != nil {
		t.Fatal(err)
	}
	_, addr := simtest.StartScenario(t, sc, sim.Options{CA: ca})
	return &reachEnv{dns: d, port: addr.Port, ca: ca}
}

// site loads one site from HCL; {{DNS}} and {{PORT}} are replaced by the
// loopback DNS server and the simulator's port.
func (e *reachEnv) site(t *testing.T, src string) *specs.Site {
	t.Helper()
	src = strings.NewReplacer("{{DNS}}", e.dns.Addr, "{{PORT}}", strconv.Itoa(e.port)).Replace(src)
	sites, diags := specs.NewLoader(func(string) string { return "" }).LoadSource("site.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatalf("spec: %v", diags)
	}
	return sites[0]
}

// run probes s; the site connects to port 25 like a real Direct Send
// device, and the dialler takes each address's port 25 to the
// simulator's port on the same address.
func (e *reachEnv) run(t *testing.T, s *specs.Site) *Result {
	t.Helper()
	d := &net.Dialer{}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return d.DialContext(ctx, network, net.JoinHostPort(host, strconv.Itoa(e.port)))
	}
	return RunSite(context.Background(), s, Options{Golden: golden.Store{Dir: t.TempDir()},
		Probe: ProbeOptions{RootCAs: e.ca.Pool(), Dial: dial}})
}

// directSend is a Direct Send site on the tenant's MX through the
// loopback resolver; extra goes inside the site block.
func directSend(extra string) string {
	return `site "dock" {
  method = "direct_send"
  endpoint {
    mx_domain   = "contoso.test"
    server_name = "localhost"
  }
  envelope {
    from = "dock@contoso.test"
    to   = ["shipping@contoso.com"]
  }
  timeouts {
    connect = "1s"
    command = "2s"
    total   = "10s"
  }
  dns { resolver = "{{DNS}}" }
` + extra + "\n}\n"
}

func TestReachVerdicts(t *testing.T) {
	tests := []struct {
		name     string
		scenario string
		extra    string
		category catalog.Category
		summary  []string // substrings of the verdict summary
		next     string   // substring of the verdict's next action
		findings []string // finding IDs
	}{
		{"PBL-listed IP with direct send accepted", "directsend-ok",
			`reputation {
  public_ip = "203.0.113.7"
  dnsbl     = ["zen.spamhaus.org"]
}`, catalog.Reputation,
			[]string{"Direct Send from a non-enterprise IP", "203.0.113.7", "dynamic or residential"},
			"use submission on 587", []string{"dnsbl-listed", "ptr-generic"}},
		{"clean IP outside SPF", "directsend-ok",
			`reputation {
  public_ip = "198.51.100.20"
  dnsbl     = ["zen.spamhaus.org"]
}`, catalog.OK,
			[]string{"accepted the envelope", "warning: the SPF record of contoso.test does not cover the public IP 198.51.100.20 (fail, matched -all)"},
			"", []string{"spf-miss"}},
		{"IP covered by an SPF include", "directsend-ok",
			`reputation {
  public_ip = "203.0.113.8"
  dnsbl     = ["zen.spamhaus.org"]
}`, catalog.OK, []string{"accepted the envelope"}, "", nil},
		{"127.255.255.254 is unknown, never listed", "directsend-ok",
			`reputation {
  public_ip = "203.0.113.9"
  dnsbl     = ["zen.spamhaus.org"]
}`, catalog.OK, []string{"accepted the envelope"}, "", nil},
		{"banned IP on the PBL: dynamic IP", "banned-ip",
			`reputation {
  public_ip = "203.0.113.7"
  dnsbl     = ["zen.spamhaus.org"]
}`, catalog.Reputation, []string{"5.7.606", "Spamhaus PBL"}, "dynamic IP: use submission on 587", []string{"dnsbl-listed", "ptr-generic"}},
		{"banned IP on no public list: Microsoft's own", "banned-ip",
			`reputation {
  public_ip = "203.0.113.8"
  dnsbl     = ["zen.spamhaus.org"]
}`, catalog.Reputation, []string{"no public blocklist lists 203.0.113.8, so the block is Microsoft's own list"}, "", nil},
		{"XBL listing", "directsend-ok",
			`reputation {
  public_ip = "203.0.113.10"
  dnsbl     = ["zen.spamhaus.org"]
}`, catalog.Reputation, []string{"listed on a public blocklist (XBL)"}, "clean the source", []string{"dnsbl-listed"}},
		{"discovered IP differs from the pinned one", "directsend-ok",
			`reputation {
  public_ip        = "203.0.113.8"
  public_ip_lookup = ["TXT myip.test @{{DNS}}"]
  dnsbl            = ["zen.spamhaus.org"]
}`, catalog.OK, []string{"warning: the spec pins the public IP 203.0.113.8, but DNS discovery sees 203.0.113.7"}, "", []string{"public-ip-mismatch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newReachEnv(t, tt.scenario)
			r := e.run(t, e.site(t, directSend(tt.extra)))
			v := r.Verdict
			if v.Category != tt.category {
				t.Errorf("category = %s, want %s (%s)", v.Category, tt.category, v.Summary())
			}
			for _, s := range tt.summary {
				if !strings.Contains(v.Summary(), s) {
					t.Errorf("summary = %q, want it to contain %q", v.Summary(), s)
				}
			}
			if !strings.Contains(v.Next, tt.next) {
				t.Errorf("next = %q, want it to contain %q", v.Next, tt.next)
			}
			var ids []string
			for _, f := range v.Findings {
				if f.Severity != diagnosis.SevInfo {
					ids = append(ids, f.ID)
				}
			}
			if strings.Join(ids, ",") != strings.Join(tt.findings, ",") {
				t.Errorf("findings = %v, want %v", ids, tt.findings)
			}
			for _, q := range e.dns.Queries() {
				if strings.Contains(q, "google") || strings.Contains(q, "opendns") {
					t.Errorf("default public-IP discovery ran although the IP is pinned: %s", q)
				}
			}
		})
	}
}

// Resolve failures are distinct findings, and a silent resolver costs
// the resolve deadline, not the site's total.
func TestReachResolveFailures(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		script   func(*dnsserver.Server)
		evidence string
		summary  string
	}{
		{"NXDOMAIN", `mx_domain = "nowhere.test"`, nil,
			"MX nowhere.test: no such domain (NXDOMAIN)", "nowhere.test does not exist (NXDOMAIN)"},
		{"no MX", `mx_domain = "nomx.test"`, nil, "MX nomx.test: no MX records", "nomx.test exists but has no MX records"},
		{"no addresses", `host = "noaddr.test"`, nil, "noaddr.test: no A records", "noaddr.test exists but has no A or AAAA records"},
		{"SERVFAIL", `mx_domain = "contoso.test"`, func(s *dnsserver.Server) { s.Rcode("contoso.test", dns.RcodeServerFailure) },
			"server failure (SERVFAIL)", "failed to resolve contoso.test (SERVFAIL)"},
		{"REFUSED", `host = "contoso-test.mail.protection.outlook.com"`,
			func(s *dnsserver.Server) { s.Rcode("contoso-test.mail.protection.outlook.com", dns.RcodeRefused) },
			"query refused (REFUSED)", "refused to answer (REFUSED)"},
		{"silent resolver", `mx_domain = "contoso.test"`, func(s *dnsserver.Server) { s.Silence() },
			"no answer from", "did not answer for contoso.test in time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newReachEnv(t, "directsend-ok")
			if tt.script != nil {
				tt.script(e.dns)
			}
			src := strings.Replace(directSend(""), `mx_domain   = "contoso.test"`, tt.endpoint, 1)
			s := e.site(t, src)
			start := time.Now()
			r := e.run(t, s)
			took := time.Since(start)
			res := r.Transcript.Stage(transcript.Resolve)
			if res.Status != transcript.Fail || res.Err == nil || res.Err.Kind != transcript.KindDNS {
				t.Fatalf("resolve = %+v, want a dns failure", res)
			}
			v := r.Verdict
			if v.Category != catalog.Network || v.Stage != transcript.Resolve || v.Step != 2 {
				t.Errorf("verdict = %s at %s step %d, want network at resolve step 2", v.Category, v.Stage, v.Step)
			}
			if !strings.Contains(v.Summary(), tt.summary) || !strings.Contains(v.Evidence, tt.evidence) {
				t.Errorf("summary = %q\nevidence = %q\nwant %q and %q", v.Summary(), v.Evidence, tt.summary, tt.evidence)
			}
			// Deadline, not a timing: one resolve budget (1s) and no more.
			if took > 3*time.Second {
				t.Errorf("the run took %s with timeouts.connect = 1s", took)
			}
			if why := r.Transcript.Reach.ReputationSkipped; tt.name == "silent resolver" && why == "" {
				t.Error("reputation was checked through a silent resolver")
			}
		})
	}
}

func TestReachExpectResolve(t *testing.T) {
	e := newReachEnv(t, "directsend-ok")
	gateway := strings.Replace(directSend(""), `"contoso.test"`, `"gateway.test"`, 1)
	r := e.run(t, e.site(t, gateway))
	if r.Status != StatusFail || !strings.Contains(r.Outcomes[0].Reason, "not Microsoft 365") {
		t.Errorf("non-Microsoft MX: status %s, resolve %+v, want a failed resolve", r.Status, r.Outcomes[0])
	}
	pinned := strings.Replace(gateway, `dns {`, `expect "resolve" {
    mx        = "mx.gateway.test"
    addresses = ["127.0.0.0/8"]
  }
  dns {`, 1)
	r = e.run(t, e.site(t, pinned))
	if o := r.Outcomes[0]; o.Status != transcript.Pass || !o.Expected {
		t.Errorf("pinned MX: resolve %+v, want pass as expected", o)
	}
	wrong := strings.Replace(pinned, `["127.0.0.0/8"]`, `["52.101.0.0/16"]`, 1)
	r = e.run(t, e.site(t, wrong))
	if o := r.Outcomes[0]; o.Status != transcript.Fail || !strings.Contains(o.Reason, "address 127.0.0.1 is not among") {
		t.Errorf("wrong addresses: resolve %+v, want a failure naming 127.0.0.1", o)
	}
}

// connect tries every address: a refused one and a black-holed one are
// recorded, and the probe goes on with the one that works.
func TestReachConnectPartialBlock(t *testing.T) {
	e := newReachEnv(t, "directsend-ok")
	hole := blackHole(t, "127.0.0.3", e.port)
	e.dns.AddZone("multi.test. IN A 127.0.0.1\nmulti.test. IN A 127.0.0.2\nmulti.test. IN A " + hole + "\n")
	src := strings.Replace(directSend(""), `mx_domain   = "contoso.test"`, `host = "multi.test"`, 1)
	r := e.run(t, e.site(t, src))
	if c := r.Transcript.Stage(transcript.Connect); c.Status != transcript.Pass {
		t.Fatalf("connect = %+v, want pass", c)
	}
	got := map[string]string{}
	for _, a := range r.Transcript.Reach.Attempts {
		host, _, _ := net.SplitHostPort(a.Addr)
		got[host] = a.Outcome
	}
	want := map[string]string{"127.0.0.1": "connected", "127.0.0.2": "refused", hole: "timeout"}
	for h, o := range want {
		if got[h] != o {
			t.Errorf("attempt %s = %q, want %q (all: %v)", h, got[h], o, got)
		}
	}
	if !strings.Contains(r.Verdict.Summary(), "1 of 3 addresses refuse the connection, 1 of 3 addresses time out") {
		t.Errorf("summary = %q, want the partial block", r.Verdict.Summary())
	}
}

// blackHole returns addr (binding port on it) with a listener whose
// backlog is full, so that further connection attempts are never
// answered: what a firewall that drops packets looks like.
func blackHole(t *testing.T, addr string, port int) string {
	t.Helper()
	ln, err := listenBacklog(addr, port)
	if err != nil {
		skipUnlessCI(t, "cannot make a black-holed listener here: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	// Fill the backlog; the kernel then drops new SYNs.
	var conns []net.Conn
	for range 8 {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(port)), 200*time.Millisecond)
		if err != nil {
			break
		}
		conns = append(conns, c)
	}
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(port)), 200*time.Millisecond); err == nil {
		c.Close()
		skipUnlessCI(t, "the listener's backlog never filled: cannot black-hole here")
	} else if !errors.Is(err, os.ErrDeadlineExceeded) && !strings.Contains(err.Error(), "timeout") {
		skipUnlessCI(t, "black-holed listener answered: %v", err)
	}
	return addr
}

// skipUnlessCI skips where the kernel will not black-hole a loopback
// listener, but fails under CI, where nothing may be skipped (CI runs on
// Linux, where a backlog-0 listener that never accepts drops new SYNs).
func skipUnlessCI(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
