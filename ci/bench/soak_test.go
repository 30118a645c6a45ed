//go:build monitor

package bench

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/promtest"
	"github.com/smtpspec/smtpspec/sim"
)

// The soak (soak.sh): N sites served by one `smtpspec serve`, scraped by
// Debian's Prometheus every interval, against simulators on loopback, for
// a bounded time. Reported: the exporter's RSS, goroutines and open files
// through the run (flat after warm-up, within 10%), the scrape's overhead
// beyond the probe (scrape_duration_seconds - probe_duration_seconds of
// the same scrape, as Prometheus stored them; median under 2 ms), and CPU
// per probe.
var (
	soakSites    = flag.Int("soak-sites", 1000, "sites served and scraped")
	soakDuration = flag.Duration("soak-duration", 10*time.Minute, "how long Prometheus scrapes")
	soakInterval = flag.Duration("soak-interval", 60*time.Second, "scrape interval of every site")
	soakWarmup   = flag.Duration("soak-warmup", 2*time.Minute, "time before the flatness window starts")
	soakSample   = flag.Duration("soak-sample", 10*time.Second, "how often the exporter's memory is sampled")
)

// soakKinds: the scenario and spec body of each kind of generated site,
// all of which pass (refusals expected where the scenario refuses).
var soakKinds = []struct{ scenario, body string }{
	{"submission-ok", benchLogin},
	{"directsend-ok", benchDirect},
	{"relay-ok", "  method = \"relay\"\n"},
	{"banned-ip", benchDirect + "  expect \"rcpt\" {\n    code     = 550\n    enhanced = \"5.7.606\"\n  }\n"},
	{"submission-ok", benchLogin},
}

type soakSample_ struct {
	at         time.Duration
	rss        int64
	goroutines float64
	fds        int
}

func TestSoak(t *testing.T) {
	bins := promtest.Need(t, promtest.Prometheus)
	dir := t.TempDir()
	var scenarios []string
	for _, k := range soakKinds {
		scenarios = append(scenarios, k.scenario)
	}
	addrs, caFile := startSimulators(t, dir, scenarios, sim.Options{MaxSessions: 200})
	specDir := filepath.Join(dir, "specs")
	os.MkdirAll(specDir, 0o755)
	var names []string
	for i := range *soakSites {
		k := soakKinds[i%len(soakKinds)]
		name := fmt.Sprintf("site-%04d", i)
		writeBenchSpec(t, specDir, name, k.body, addrs[k.scenario], caFile)
		names = append(names, name)
	}
	record := exec.Command(*binFlag, "run", "--update", "--parallel", "32", "--golden", filepath.Join(dir, "golden"), "--format", "json", "--out", filepath.Join(dir, "record.json"), specDir)
	record.Env = benchEnv(dir)
	if out, err := record.CombinedOutput(); err != nil {
		t.Fatalf("recording goldens: %v\n%s", err, out)
	}
	serve, pid := startServe(t, dir, specDir)
	base := promtest.StartPrometheus(t, bins[promtest.Prometheus], soakConfig(t, dir, serve, names))

	start := time.Now()
	cpu0 := procCPU(t, pid)
	var samples []soakSample_
	for time.Since(start) < *soakDuration {
		time.Sleep(*soakSample)
		body, _ := get(t, "http://"+serve+"/metrics", 10*time.Second)
		g, _ := gauge(families(t, body), "go_goroutines")
		samples = append(samples, soakSample_{time.Since(start), procRSS(t, pid), g, procFDs(t, pid)})
	}
	cpu := procCPU(t, pid) - cpu0
	body, _ := get(t, "http://"+serve+"/metrics", 10*time.Second)
	self := families(t, body)
	probes := 0.0
	for _, st := range []string{"pass", "fail", "drift", "new", "error"} {
		v, _ := gauge(self, "smtpspec_exporter_probes_total", "status="+st)
		probes += v
	}
	guard, _ := gauge(self, "smtpspec_exporter_guard_answers_total")
	busy, _ := gauge(self, "smtpspec_exporter_requests_rejected_total", "reason=busy")
	window := time.Since(start) - *soakWarmup
	overheads := scrapeOverheads(t, base, window)
	report := soakReport(t, samples, overheads, cpu, probes, guard, busy, base) + ownOverhead(t, base, window)
	fmt.Println(report)
	if *outFlag != "" {
		if err := os.WriteFile(*outFlag, []byte(report), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// soakConfig is a Prometheus configuration with the shipped relabelling:
// every site a target of the exporter's /probe, and the exporter's own
// /metrics.
func soakConfig(t *testing.T, dir, serve string, names []string) string {
	timeout := min(30*time.Second, *soakInterval)
	sites := "- targets: [" + strings.Join(names, ", ") + "]\n"
	if err := os.WriteFile(filepath.Join(dir, "sites.yml"), []byte(sites), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`global:
  scrape_interval: %s
scrape_configs:
  - job_name: smtpspec
    metrics_path: /probe
    scrape_timeout: %s
    file_sd_configs:
      - files: [sites.yml]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: %s
  - job_name: smtpspec_exporter
    scrape_interval: 10s
    static_configs:
      - targets: [%s]
`, *soakInterval, timeout, serve, serve)
	p := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// scrapeOverheads pairs every stored scrape's scrape_duration_seconds
// with the probe_duration_seconds of the same scrape (same instance, same
// timestamp) over the last window, and returns their differences.
func scrapeOverheads(t *testing.T, base string, window time.Duration) []time.Duration {
	w := fmt.Sprintf("[%ds]", int(window.Seconds()))
	scrapes, err := promtest.Series(base, `scrape_duration_seconds{job="smtpspec"}`+w)
	if err != nil {
		t.Fatal(err)
	}
	probes, err := promtest.Series(base, `probe_duration_seconds{job="smtpspec"}`+w)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Duration
	for inst, ss := range scrapes {
		at := map[int64]float64{}
		for _, p := range probes[inst] {
			at[p.T] = p.V
		}
		for _, s := range ss {
			if pd, ok := at[s.T]; ok {
				out = append(out, seconds(s.V-pd))
			}
		}
	}
	return out
}

// ownOverhead is the exporter's own measure of the same overhead (its
// histogram, so bucket-interpolated): it tells the exporter's share from
// Prometheus' and the network's in the scrape's.
func ownOverhead(t *testing.T, base string, window time.Duration) string {
	var parts []string
	for _, q := range []string{"0.5", "0.9", "0.99"} {
		got, err := promtest.Query(base, fmt.Sprintf(`histogram_quantile(%s, sum by (le) (increase(smtpspec_exporter_scrape_overhead_seconds_bucket[%ds])))`, q, int(window.Seconds())))
		if err != nil || len(got) != 1 {
			t.Fatalf("exporter overhead quantile %s: %v %v", q, got, err)
		}
		parts = append(parts, fmt.Sprintf("q%s %s", q, seconds(got[0].Value).Round(time.Microsecond)))
	}
	return "the exporter's own histogram of the same (request start to answer written, minus the probe): " + strings.Join(parts, ", ") + "\n"
}

func soakReport(t *testing.T, samples []soakSample_, overheads []time.Duration, cpu time.Duration, probes, guard, busy float64, base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "soak: %d sites every %s for %s (warm-up %s), one smtpspec serve, Prometheus %s\n\n",
		*soakSites, *soakInterval, *soakDuration, *soakWarmup, base)
	var after []soakSample_
	for _, s := range samples {
		if s.at >= *soakWarmup {
			after = append(after, s)
		}
	}
	if len(after) == 0 || len(overheads) == 0 {
		t.Fatalf("nothing measured after the warm-up (%d samples, %d scrapes)", len(after), len(overheads))
	}
	rss := func(s soakSample_) float64 { return float64(s.rss) }
	gor := func(s soakSample_) float64 { return s.goroutines }
	fds := func(s soakSample_) float64 { return float64(s.fds) }
	b.WriteString("| measure | after warm-up: first / min / max / last | spread |\n|---|---|---|\n")
	for _, m := range []struct {
		name  string
		f     func(soakSample_) float64
		scale float64
		limit float64 // the spread allowed; 0: report only
	}{{"RSS (MB)", rss, 1 << 20, 0.10}, {"goroutines", gor, 1, 0}, {"open files", fds, 1, 0}} {
		lo, hi := m.f(after[0]), m.f(after[0])
		for _, s := range after {
			lo, hi = min(lo, m.f(s)), max(hi, m.f(s))
		}
		spread := (hi - lo) / lo
		fmt.Fprintf(&b, "| %s | %.1f / %.1f / %.1f / %.1f | %.1f%% |\n", m.name, m.f(after[0])/m.scale, lo/m.scale, hi/m.scale, m.f(after[len(after)-1])/m.scale, 100*spread)
		if m.limit > 0 && spread > m.limit {
			t.Errorf("%s spread %.1f%% after warm-up, target within %.0f%%", m.name, 100*spread, 100*m.limit)
		}
	}
	slices.Sort(overheads)
	med := overheads[len(overheads)/2]
	fmt.Fprintf(&b, "\nscrape overhead beyond the probe (scrape_duration_seconds - probe_duration_seconds, %d scrapes after warm-up): "+
		"median %s, p90 %s, p99 %s, max %s\n", len(overheads), med.Round(time.Microsecond), overheads[len(overheads)*9/10].Round(time.Microsecond),
		overheads[len(overheads)*99/100].Round(time.Microsecond), overheads[len(overheads)-1].Round(time.Microsecond))
	if med >= 2*time.Millisecond {
		t.Errorf("median scrape overhead %s, target under 2 ms", med)
	}
	if probes > 0 {
		fmt.Fprintf(&b, "probes run %.0f, answered by the guard %.0f, rejected busy %.0f; exporter CPU %s in all, %s per probe\n",
			probes, guard, busy, cpu.Round(time.Millisecond), (cpu / time.Duration(probes)).Round(time.Microsecond))
	}
	// Goroutines and files move with the probes in flight at the sample;
	// growth shows in the floor: the least of each half of the window.
	half := len(after) / 2
	floor := func(ss []soakSample_, f func(soakSample_) float64) float64 {
		m := f(ss[0])
		for _, s := range ss {
			m = min(m, f(s))
		}
		return m
	}
	if half > 0 {
		fmt.Fprintf(&b, "floor (least sample) in the first / second half after warm-up: goroutines %.0f / %.0f, open files %.0f / %.0f, RSS %.1f / %.1f MB\n",
			floor(after[:half], gor), floor(after[half:], gor), floor(after[:half], fds), floor(after[half:], fds),
			floor(after[:half], rss)/(1<<20), floor(after[half:], rss)/(1<<20))
	}
	return b.String()
}
