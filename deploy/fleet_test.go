package deploy

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/exporter"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
)

const testPassword = "Deploy-Test-Secret-7"

// fleetSite is a simulated customer site and what Prometheus must see.
type fleetSite struct {
	name, scenario, body string
	success              float64
	category, stage      string
}

const login = `  method = "submission"
  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("SCANNER_PASSWORD")
  }
`

var fleet = []fleetSite{
	{"hq-mfp", "submission-ok", login, 1, "ok", ""},
	{"hq-matching", "directsend-ok", `  method = "direct_send"` + "\n", 1, "ok", ""},
	{"branch-drift", "directsend-ok", `  method = "direct_send"` + "\n", 0, "ok", ""},
	{"branch-banned", "banned-ip", `  method = "direct_send"` + "\n", 0, "reputation", "rcpt"},
	{"branch-firewall", "firewall-inspection", `  method = "direct_send"` + "\n", 0, "firewall", "banner"},
	{"branch-stall", "ehlo-stall", `  method = "direct_send"` + "\n" + `  timeouts {
    connect = "5s"
    command = "60s"
    total   = "60s"
  }
`, 0, "firewall", "ehlo"},
	{"warehouse-bad-password", "submission-bad-credentials", login, 0, "auth", "auth"},
}

// simFleet is the fleet on loopback: simulators, specs, goldens (one
// matching, one drifted) and `smtpspec serve`'s exporter serving them.
type simFleet struct {
	ca      *sim.CA
	specDir string
	golden  golden.Store
	addr    string // the exporter's
}

func startFleet(t *testing.T) *simFleet {
	t.Helper()
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	f := &simFleet{ca: ca, specDir: t.TempDir(), golden: golden.Store{Dir: t.TempDir()}}
	addrs := map[string]string{}
	for _, s := range fleet {
		if addrs[s.scenario] == "" {
			_, a := simtest.Start(t, s.scenario, sim.Options{CA: ca, StallLimit: 5 * time.Second})
			addrs[s.scenario] = a.String()
		}
		host, port, _ := net.SplitHostPort(addrs[s.scenario])
		spec := fmt.Sprintf("site %q {\n%s  endpoint {\n    host        = %q\n    port        = %s\n    server_name = \"localhost\"\n  }\n"+
			"  envelope {\n    from = \"scanner@contoso.com\"\n    to   = [\"frontdesk@contoso.com\"]\n  }\n}\n", s.name, s.body, host, port)
		if err := os.WriteFile(filepath.Join(f.specDir, s.name+".hcl"), []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	load := func() ([]*specs.Site, error) {
		sites, diags := specs.NewLoader(func(k string) string {
			if k == "SCANNER_PASSWORD" {
				return testPassword
			}
			return ""
		}).LoadPaths(f.specDir)
		if diags.HasErrors() {
			return nil, diags
		}
		return sites, nil
	}
	sites, err := load()
	if err != nil {
		t.Fatal(err)
	}
	probe := runner.ProbeOptions{RootCAs: ca.Pool()}
	for _, s := range sites {
		if s.Name == "hq-matching" || s.Name == "branch-drift" {
			r := runner.RunSite(context.Background(), s, runner.Options{Golden: f.golden, Update: true, Probe: probe})
			g := r.Golden
			if s.Name == "branch-drift" {
				g = []byte(strings.Replace(string(g), "250", "251", 1))
			}
			if err := f.golden.Write(s.Name, g); err != nil {
				t.Fatal(err)
			}
		}
	}
	ex, err := exporter.New(exporter.Config{
		Load:      load,
		Golden:    f.golden,
		AuthGuard: &authguard.Guard{Path: filepath.Join(t.TempDir(), authguard.File)},
		Probe:     probe,
		Version:   "deploy-test",
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = ex.Serve(ctx, ln, time.Second) }()
	t.Cleanup(func() { cancel(); <-done })
	return f
}

func (f *simFleet) names() []string {
	var out []string
	for _, s := range fleet {
		out = append(out, s.name)
	}
	return out
}
