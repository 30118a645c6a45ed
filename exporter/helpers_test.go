package exporter

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/internal/promtest"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
)

// Secrets the test sites use; no answer of the exporter may hold one.
const (
	testPassword = "Exp0rter-Secret-Pw"
	testUser     = "scanner@contoso.com"
)

func testEnv(name string) string {
	if name == "SCANNER_PASSWORD" {
		return testPassword
	}
	return ""
}

// site is one test site: the simulator scenario it probes and the spec's
// body after the endpoint (method, auth, envelope, expectations).
type site struct {
	name, scenario, body string
}

const loginBody = `  method = "submission"
  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("SCANNER_PASSWORD")
  }
`

const directSend = `  method = "direct_send"
`

// fixture is an exporter over simulators on loopback, its specs in a
// temporary folder, served by an httptest server.
type fixture struct {
	t        testing.TB
	specs    string // the specs folder
	golden   golden.Store
	ca       *sim.CA
	addrs    map[string]string // scenario -> address
	simLog   *simLog
	ex       *Exporter
	srv      *httptest.Server
	throttle *authguard.Guard
}

// simLog counts what the simulators saw.
type simLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *simLog) logf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *simLog) count(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

func newFixture(t testing.TB, maxProbes int, sites ...site) *fixture {
	t.Helper()
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, specs: t.TempDir(), golden: golden.Store{Dir: t.TempDir()}, ca: ca, addrs: map[string]string{}, simLog: &simLog{}}
	for _, s := range sites {
		f.writeSite(s)
	}
	f.throttle = &authguard.Guard{Path: filepath.Join(t.TempDir(), authguard.File)}
	f.ex, err = New(Config{
		Load:      f.load,
		Golden:    f.golden,
		AuthGuard: f.throttle,
		Probe:     runner.ProbeOptions{RootCAs: ca.Pool()},
		MaxProbes: maxProbes,
		Version:   "test",
		Logf:      t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(f.ex.Handler())
	t.Cleanup(func() { f.ex.Stop(); f.srv.Close() })
	return f
}

func (f *fixture) load() ([]*specs.Site, error) {
	l := specs.NewLoader(testEnv)
	sites, diags := l.LoadPaths(f.specs)
	if diags.HasErrors() {
		return nil, diags
	}
	return sites, nil
}

// addr starts the scenario's simulator once.
func (f *fixture) addr(scenario string) string {
	if a := f.addrs[scenario]; a != "" {
		return a
	}
	sc, err := sim.Find(scenario)
	if err != nil {
		f.t.Fatal(err)
	}
	_, a := simtest.StartScenario(f.t, sc, sim.Options{CA: f.ca, Logf: f.simLog.logf})
	f.addrs[scenario] = a.String()
	return a.String()
}

// writeSite writes s's spec, its endpoint at the scenario's simulator (or
// at scenario itself when it is an address).
func (f *fixture) writeSite(s site) {
	addr := s.scenario
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr = f.addr(s.scenario)
	}
	host, port, _ := net.SplitHostPort(addr)
	body := s.body
	if !strings.Contains(body, "envelope {") {
		body += "  envelope {\n    from = \"scanner@contoso.com\"\n    to   = [\"frontdesk@contoso.com\"]\n  }\n"
	}
	if !strings.Contains(body, "timeouts {") {
		body += "  timeouts {\n    connect = \"2s\"\n    command = \"2s\"\n    total   = \"10s\"\n  }\n"
	}
	spec := fmt.Sprintf("site %q {\n  endpoint {\n    host        = %q\n    port        = %s\n    server_name = \"localhost\"\n%s  }\n%s}\n",
		s.name, host, port, tlsLine(body), body)
	if err := os.WriteFile(filepath.Join(f.specs, s.name+".hcl"), []byte(spec), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// tlsLine lets a body ask for no TLS with a "# tls none" comment.
func tlsLine(body string) string {
	if strings.Contains(body, "# tls none") {
		return "    tls = \"none\"\n"
	}
	return ""
}

// get fetches path with the scrape-timeout header (0: none).
func (f *fixture) get(path string, timeout time.Duration) (int, string) {
	f.t.Helper()
	req, err := http.NewRequest("GET", f.srv.URL+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if timeout > 0 {
		req.Header.Set(ScrapeTimeoutHeader, fmt.Sprint(timeout.Seconds()))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// scrape fetches /probe?target=name and parses the exposition.
func (f *fixture) scrape(name string, timeout time.Duration) (map[string]*dto.MetricFamily, string) {
	f.t.Helper()
	code, body := f.get("/probe?target="+name, timeout)
	if code != http.StatusOK {
		f.t.Fatalf("probe %s: HTTP %d: %s", name, code, body)
	}
	mfs, err := promtest.Parse(body)
	if err != nil {
		f.t.Fatalf("probe %s: not Prometheus text: %v\n%s", name, err, body)
	}
	return mfs, body
}

// value is promtest.Value.
var value = promtest.Value
