package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/forecast"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/specs"
)

// demoResults runs `smtpspec demo --format json` in-process: `run`
// against the simulator, every example against its own scenario.
func demoResults(t *testing.T) map[string]report.JSONSite {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--format", "json"}, func(string) string { return "" },
		strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("demo exit %d: %s", code, errb.String())
	}
	var rep report.JSONReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	bySite := map[string]report.JSONSite{}
	for _, s := range rep.Sites {
		bySite[s.Name] = s
	}
	return bySite
}

// forecastExamples forecasts specs/examples from disk, today only, with
// today replaced by today(site) when it returns one. asDemo points each
// site at 127.0.0.1 as the demo does (startSimulators) before the
// forecast runs it. The relay-certificate example's certificate is not in
// the repository (the demo issues it): one with its names stands in.
func forecastExamples(t *testing.T, today func(*specs.Site) *sim.Scenario, asDemo bool) *forecast.Forecast {
	t.Helper()
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	client, err := newDemoClient(ca, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "specs", "examples")
	f, err := forecast.New(forecast.Options{Today: today, Changes: []*forecast.Change{}, ReadFile: func(p string) ([]byte, error) {
		if filepath.Base(p) == "relay-certificate.pem" {
			return client.certPEM, nil
		}
		return readFileForTest(p)
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	sites, diags, _ := f.Load(dir)
	if diags.HasErrors() {
		t.Fatalf("examples: %v", diags)
	}
	for _, s := range sites {
		if asDemo {
			s.Endpoint.Host, s.Endpoint.MXDomain, s.Endpoint.ServerName = "127.0.0.1", "", "localhost"
		}
	}
	fc, err := f.Run(context.Background(), sites)
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

// TestForecastTodayIsRun: for every example spec, the forecast's today
// (with the example's scenario as today, as the demo maps them) is what
// `run` against the simulator says for the same spec (pointed at
// 127.0.0.1, as the demo points it): the same status and verdict, the
// volatile parts of the evidence aside.
func TestForecastTodayIsRun(t *testing.T) {
	want := demoResults(t)
	fc := forecastExamples(t, func(s *specs.Site) *sim.Scenario {
		sc, err := sim.Find(s.Name)
		if err != nil {
			t.Errorf("example %s: %v", s.Name, err)
			return nil
		}
		return sc
	}, true)
	if len(fc.Sites) != len(want) || len(want) != len(sim.Scenarios()) {
		t.Fatalf("forecast has %d sites, demo %d, scenarios %d", len(fc.Sites), len(want), len(sim.Scenarios()))
	}
	for _, s := range fc.Sites {
		w, ok := want[s.Name]
		if !ok {
			t.Errorf("%s: not in the demo's report", s.Name)
			continue
		}
		if string(s.Today.Status) != w.Status {
			t.Errorf("%s: forecast today status %s, run says %s", s.Name, s.Today.Status, w.Status)
		}
		sameVerdict(t, s.Name, s.Today.Verdict.JSON(), w.Verdict)
	}
}

// TestForecastTodayDefault: the examples whose scenario is how Microsoft
// 365 behaves today for a tenant with default settings get, from the
// forecast's own today (sim.Today) and with their host names as written,
// the verdict `run` gives against their scenario: the same category,
// stage, reply and step (the summary may say more: the forecast sees the
// host name the demo replaced, smtp.office365.com for a site without
// AUTH, and says that its setup contradicts its method). The other
// examples document a tenant's or a network's state (SMTP AUTH off, a
// banned IP, a firewall), which today does not assume.
func TestForecastTodayDefault(t *testing.T) {
	want := demoResults(t)
	fc := forecastExamples(t, nil, false)
	defaults := map[string]bool{
		"submission-ok": true, "submission-anonymous": true, "submission-no-starttls-auth": true,
		"submission-helo-only": true, "legacy-tls-refused": true, "directsend-ok": true, "directsend-mx-microsoft": true,
		"relay-ok": true, "relay-certificate": true,
	}
	seen := 0
	for _, s := range fc.Sites {
		if !defaults[s.Name] {
			continue
		}
		seen++
		g, w := s.Today.Verdict, want[s.Name].Verdict
		if g.Category != w.Category || g.Stage != w.Stage || g.Code != w.Code || g.Enhanced != w.Enhanced || g.Step != w.Step {
			t.Errorf("%s: forecast today %s at %s %d %s (step %d), run %s at %s %d %s (step %d)", s.Name,
				g.Category, g.Stage, g.Code, g.Enhanced, g.Step, w.Category, w.Stage, w.Code, w.Enhanced, w.Step)
		}
	}
	if seen != len(defaults) {
		t.Errorf("%d of the %d default examples were forecast", seen, len(defaults))
	}
}

// sameVerdict compares a forecast verdict with run's: every field, the
// summary after golden normalisation (front-end names, tokens and dates
// differ per connection).
func sameVerdict(t *testing.T, site string, got, want diagnosis.VerdictJSON) {
	t.Helper()
	norm := func(v diagnosis.VerdictJSON) diagnosis.VerdictJSON {
		v.Summary = golden.NormalizeText(v.Summary)
		return v
	}
	g, w := norm(got), norm(want)
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if !bytes.Equal(gj, wj) {
		t.Errorf("%s: forecast today differs from run:\n forecast %s\n      run %s", site, gj, wj)
	}
}

func readFileForTest(p string) ([]byte, error) { return os.ReadFile(p) }
