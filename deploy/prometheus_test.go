package deploy

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smtpspec/smtpspec/internal/promtest"
)

// TestPromtoolRules: the shipped rules pass `promtool check rules` and
// their unit tests, `promtool test rules`.
func TestPromtoolRules(t *testing.T) {
	bins := promtest.Need(t, promtest.Promtool)
	for _, args := range [][]string{
		{"check", "rules", "smtpspec-rules.yml"},
		{"test", "rules", "smtpspec-rules.test.yml"},
		{"check", "config", "prometheus.yml"},
	} {
		cmd := exec.Command(bins[promtest.Promtool], args...)
		cmd.Dir = "monitoring"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// interval is how often the test's Prometheus scrapes: the shipped 60s
// would make the test wait minutes. The timeout is what the exporter
// caps a stalled probe at (minus 0.5 s).
const (
	interval      = "2s"
	scrapeTimeout = "2s"
)

// TestPrometheusScrapesTheFleet runs Debian's Prometheus with the shipped
// scrape configuration and rules against `smtpspec serve` serving
// simulated sites, and blackbox_exporter's smtp_starttls module beside it
// on the same simulators; then checks through the HTTP API what arrived,
// evaluates every alert's expression and every dashboard query.
func TestPrometheusScrapesTheFleet(t *testing.T) {
	bins := promtest.Need(t, promtest.Prometheus, promtest.Blackbox)
	f := startFleet(t)
	dir := t.TempDir()
	bbAddr := startBlackbox(t, bins[promtest.Blackbox], f, dir)
	config := writeConfig(t, dir, f, bbAddr)
	base := promtest.StartPrometheus(t, bins[promtest.Prometheus], config)
	wait := 60 * time.Second

	// Every site arrived, with its probe_success and phases.
	promtest.Eventually(t, base, `probe_success{job="smtpspec"}`, wait, func(s []promtest.Sample) bool { return len(s) == len(fleet) })
	for _, s := range fleet {
		got, err := promtest.Query(base, fmt.Sprintf(`probe_success{job="smtpspec",instance=%q,site=%q}`, s.name, s.name))
		if err != nil || len(got) != 1 || got[0].Value != s.success {
			t.Errorf("%s: probe_success %v (%v), want %v", s.name, got, err, s.success)
		}
		if s.name == "warehouse-bad-password" {
			continue // answered by the guard after the first scrape: no fixed info
		}
		q := fmt.Sprintf(`probe_smtp_info{instance=%q,category=%q,stage=%q}`, s.name, s.category, s.stage)
		if got, err := promtest.Query(base, q); err != nil || len(got) != 1 {
			all, _ := promtest.Query(base, fmt.Sprintf(`probe_smtp_info{instance=%q}`, s.name))
			t.Errorf("%s: %s: %v %v; have %v", s.name, q, got, err, all)
		}
	}
	for _, phase := range []string{"connect", "banner", "ehlo", "starttls", "tls", "ehlo_tls", "auth", "mail", "rcpt"} {
		got, err := promtest.Query(base, fmt.Sprintf(`probe_smtp_duration_seconds{instance="hq-mfp",phase=%q}`, phase))
		if err != nil || len(got) != 1 || got[0].Value <= 0 {
			t.Errorf("hq-mfp phase %s: %v %v", phase, got, err)
		}
	}
	// The stalled site was cut at the scrape timeout, not the spec's 60s,
	// and still answered (up 1): the verdict, not a failed scrape.
	got := promtest.Eventually(t, base, `probe_duration_seconds{instance="branch-stall"}`, wait, func(s []promtest.Sample) bool { return len(s) == 1 })
	if got[0].Value >= 2 {
		t.Errorf("branch-stall probe took %vs with a 2s scrape timeout", got[0].Value)
	}
	promtest.Eventually(t, base, `min(up{job="smtpspec"})`, wait, func(s []promtest.Sample) bool { return len(s) == 1 && s[0].Value == 1 })
	// The guard answers the failed mailbox's later scrapes.
	promtest.Eventually(t, base, `probe_smtp_info{instance="warehouse-bad-password",source="guard",code="535",status="error"}`, wait,
		func(s []promtest.Sample) bool { return len(s) == 1 })
	promtest.Eventually(t, base, `smtpspec_exporter_guard_answers_total`, wait, func(s []promtest.Sample) bool { return len(s) == 1 && s[0].Value >= 1 })
	// Drift is reported; the matching golden matches.
	for site, want := range map[string]float64{"branch-drift": 0, "hq-matching": 1} {
		if got, err := promtest.Query(base, fmt.Sprintf(`probe_smtp_golden_match{instance=%q}`, site)); err != nil || len(got) != 1 || got[0].Value != want {
			t.Errorf("%s golden_match %v %v, want %v", site, got, err, want)
		}
	}
	checkBlackbox(t, base)
	checkRules(t, base)
	checkDashboard(t, base)
	checkLabelValues(t, base)
}

// startBlackbox runs blackbox_exporter with an smtp_starttls module that
// trusts the simulators' CA.
func startBlackbox(t *testing.T, bin string, f *simFleet, dir string) string {
	t.Helper()
	ca := filepath.Join(dir, "sim-ca.pem")
	if err := os.WriteFile(ca, f.ca.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "blackbox.yml")
	if err := os.WriteFile(cfg, []byte("modules:\n"+promtest.BlackboxSMTPModule("smtp_starttls", ca)), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := promtest.FreeAddr(t)
	promtest.Start(t, bin, "http://"+addr+"/-/healthy", "--config.file="+cfg, "--web.listen-address="+addr)
	return addr
}

// writeConfig writes the shipped prometheus.yml with the test's intervals,
// the exporter's address, the fleet as targets, the shipped rules, and a
// blackbox job on the same simulators.
func writeConfig(t *testing.T, dir string, f *simFleet, bbAddr string) string {
	t.Helper()
	b, err := os.ReadFile("monitoring/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "127.0.0.1:9725", f.addr)
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(text), &cfg); err != nil {
		t.Fatal(err)
	}
	global := cfg["global"].(map[string]any)
	global["scrape_interval"], global["evaluation_interval"] = interval, "1s"
	rules, _ := filepath.Abs("monitoring/smtpspec-rules.yml")
	cfg["rule_files"] = []any{rules}
	jobs := cfg["scrape_configs"].([]any)
	for _, j := range jobs {
		job := j.(map[string]any)
		if job["job_name"] == "smtpspec" {
			job["scrape_interval"], job["scrape_timeout"] = interval, scrapeTimeout
		}
	}
	var bbTargets []any
	for _, s := range fleet {
		if s.scenario != "ehlo-stall" {
			bbTargets = append(bbTargets, s.name+"="+siteAddr(t, f, s.name))
		}
	}
	cfg["scrape_configs"] = append(jobs, map[string]any{
		"job_name": "blackbox", "metrics_path": "/probe", "params": map[string]any{"module": []any{"smtp_starttls"}},
		"scrape_interval": interval, "scrape_timeout": scrapeTimeout,
		"static_configs": []any{map[string]any{"targets": bbTargets}},
		"relabel_configs": []any{
			map[string]any{"source_labels": []any{"__address__"}, "regex": "(.*)=(.*)", "target_label": "__param_target", "replacement": "$2"},
			map[string]any{"source_labels": []any{"__address__"}, "regex": "(.*)=(.*)", "target_label": "site", "replacement": "$1"},
			map[string]any{"source_labels": []any{"site"}, "target_label": "instance"},
			map[string]any{"target_label": "__address__", "replacement": bbAddr},
		},
	})
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sites := "- targets: [" + strings.Join(f.names(), ", ") + "]\n"
	if err := os.WriteFile(filepath.Join(dir, "smtpspec-sites.yml"), []byte(sites), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// siteAddr reads the simulator address back from the site's spec.
func siteAddr(t *testing.T, f *simFleet, name string) string {
	b, err := os.ReadFile(filepath.Join(f.specDir, name+".hcl"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`host\s*=\s*"([^"]+)"\s*\n\s*port\s*=\s*(\d+)`).FindStringSubmatch(string(b))
	return m[1] + ":" + m[2]
}

// checkBlackbox: blackbox_exporter's smtp_starttls sees the TLS path work
// where smtpspec sees the envelope refused (the banned IP at RCPT TO).
func checkBlackbox(t *testing.T, base string) {
	t.Helper()
	got := promtest.Eventually(t, base, `probe_success{job="blackbox"}`, 60*time.Second, func(s []promtest.Sample) bool { return len(s) == len(fleet)-1 })
	for _, s := range got {
		site := s.Metric["site"]
		want := 1.0
		if site == "branch-firewall" { // its STARTTLS is refused: blackbox sees that one
			want = 0
		}
		if s.Value != want {
			t.Errorf("blackbox %s: probe_success %v, want %v", site, s.Value, want)
		}
	}
}

// checkRules: every shipped rule loaded and evaluates without error; the
// alerts without a `for` fire for the sites they must.
func checkRules(t *testing.T, base string) {
	t.Helper()
	var rules struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name, Health, LastError, Query string
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	// Rules are evaluated every second: wait (bounded) until each has been.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		getJSON(t, base+"/api/v1/rules", &rules)
		unknown := false
		for _, g := range rules.Data.Groups {
			for _, r := range g.Rules {
				unknown = unknown || r.Health == "unknown"
			}
		}
		if !unknown || time.Now().After(deadline) {
			break
		}
	}
	n := 0
	for _, g := range rules.Data.Groups {
		for _, r := range g.Rules {
			n++
			if r.Health != "ok" {
				t.Errorf("rule %s: health %s %s", r.Name, r.Health, r.LastError)
			}
			if _, err := promtest.Query(base, r.Query); err != nil {
				t.Errorf("rule %s: %v", r.Name, err)
			}
		}
	}
	if n != 7 {
		t.Errorf("%d rules loaded, want 7", n)
	}
	want := map[string][]string{
		"SmtpspecSiteDown":          {"branch-banned", "branch-firewall", "branch-stall"},
		"SmtpspecDrift":             {"branch-drift"},
		"SmtpspecAuthGuardActive":   {"warehouse-bad-password"},
		"SmtpspecBasicAuthExposure": {"hq-mfp", "warehouse-bad-password"},
	}
	for _, g := range rules.Data.Groups {
		for _, r := range g.Rules {
			sites, ok := want[r.Name]
			if !ok {
				continue
			}
			got, err := promtest.Query(base, r.Query)
			if err != nil {
				t.Fatal(err)
			}
			var have []string
			for _, s := range got {
				have = append(have, s.Metric["site"])
			}
			slices.Sort(have)
			if !slices.Equal(have, sites) {
				t.Errorf("%s (%s) holds for %v, want %v", r.Name, r.Query, have, sites)
			}
		}
	}
	promtest.Eventually(t, base, `ALERTS{alertname="SmtpspecAuthGuardActive",alertstate="firing"}`, 30*time.Second,
		func(s []promtest.Sample) bool { return len(s) == 1 })
}

// checkDashboard runs every query of the shipped Grafana dashboard (its
// variables as Grafana would fill them): each must parse, and return data
// for this fleet.
func checkDashboard(t *testing.T, base string) {
	t.Helper()
	b, err := os.ReadFile("monitoring/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
		Templating struct {
			List []struct {
				Name  string
				Query any
			}
		}
		Annotations struct{ List []struct{ Expr string } }
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	fill := strings.NewReplacer(`"$site"`, `".*"`, "$__rate_interval", "1m", "$__range", "1h")
	run := func(what, expr string) {
		got, err := promtest.Query(base, fill.Replace(expr))
		if err != nil {
			t.Errorf("dashboard %s: %v", what, err)
		} else if len(got) == 0 {
			t.Errorf("dashboard %s: %s returned no data", what, expr)
		}
	}
	n := 0
	for _, p := range dash.Panels {
		for _, q := range p.Targets {
			run(fmt.Sprintf("panel %q", p.Title), q.Expr)
			n++
		}
	}
	for _, v := range dash.Templating.List {
		if q, ok := v.Query.(map[string]any); ok {
			m := regexp.MustCompile(`^label_values\((.*), (\w+)\)$`).FindStringSubmatch(q["query"].(string))
			if m == nil {
				t.Errorf("variable %s: %v", v.Name, q)
				continue
			}
			run("variable "+v.Name, m[1])
			n++
		}
	}
	for _, a := range dash.Annotations.List {
		run("annotation", a.Expr)
		n++
	}
	if n < 20 {
		t.Errorf("only %d dashboard queries", n)
	}
}

// checkLabelValues: no series smtpspec exported holds a secret, an
// address or a mailbox in a label (Prometheus' own view of them).
func checkLabelValues(t *testing.T, base string) {
	t.Helper()
	got, err := promtest.Query(base, `{job=~"smtpspec|smtpspec_exporter"}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range got {
		for k, v := range s.Metric {
			if k == "instance" && s.Metric["job"] == "smtpspec_exporter" {
				continue // the exporter's own address, as Prometheus names every target
			}
			for _, bad := range []string{testPassword, "scanner@", "contoso.com", "127.0.0.1"} {
				if strings.Contains(v, bad) {
					t.Errorf("%v: label %s=%q holds %q", s.Metric["__name__"], k, v, bad)
				}
			}
		}
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
