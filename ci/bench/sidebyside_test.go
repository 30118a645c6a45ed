//go:build monitor

package bench

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/smtpspec/smtpspec/exporter"
	"github.com/smtpspec/smtpspec/internal/promtest"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/transcript"
)

// The side-by-side benchmark (sidebyside.sh): blackbox_exporter's
// smtp_starttls module and `smtpspec serve` probe the same simulator
// through the same latency Proxy; each is scraped as Prometheus would
// (HTTP, with the scrape-timeout header). Reported: wall time of the
// scrape, the exporter's own probe_duration_seconds, smtpspec's time for
// the stages blackbox also does (connect to EHLO after TLS), and CPU per
// probe of each exporter process. Then what each detects on five
// scenarios.
var (
	probesFlag = flag.Int("probes", 40, "probes per exporter and path")
	delayFlag  = flag.Duration("delay", 25*time.Millisecond, "round-trip time the proxy adds")
)

// detectScenarios are the five the issue names, with the spec body of the
// device each belongs to.
var detectScenarios = []struct{ name, scenario, body, module string }{
	{"SMTP AUTH disabled", "submission-auth-disabled", benchLogin, "smtp_starttls"},
	{"banned IP at RCPT", "banned-ip", benchDirect, "smtp_starttls"},
	{"firewall inspection", "firewall-inspection", benchDirect, "smtp_starttls"},
	{"legacy TLS (device with TLS 1.0/1.1)", "legacy-tls-refused", benchLogin + "  client {\n    tls_min = \"1.0\"\n    tls_max = \"1.1\"\n  }\n", "smtp_starttls_legacy"},
	{"EHLO stall", "ehlo-stall", benchDirect, "smtp_starttls"},
}

const benchLogin = `  method = "submission"
  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("BENCH_PASSWORD")
  }
`

const benchDirect = "  method = \"direct_send\"\n"

func TestSideBySide(t *testing.T) {
	bins := promtest.Need(t, promtest.Blackbox)
	dir := t.TempDir()
	scenarios := []string{"directsend-ok", "submission-ok"}
	for _, d := range detectScenarios {
		scenarios = append(scenarios, d.scenario)
	}
	addrs, caFile := startSimulators(t, dir, scenarios, sim.Options{StallLimit: 20 * time.Second})
	proxied := map[string]string{}
	for _, sc := range []string{"directsend-ok", "submission-ok"} {
		p, err := NewProxy(addrs[sc], *delayFlag)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		proxied[sc] = p.Addr()
	}
	specDir := filepath.Join(dir, "specs")
	os.MkdirAll(specDir, 0o755)
	writeBenchSpec(t, specDir, "ds", benchDirect, proxied["directsend-ok"], caFile)
	writeBenchSpec(t, specDir, "sub", benchLogin, proxied["submission-ok"], caFile)
	for i, d := range detectScenarios {
		writeBenchSpec(t, specDir, fmt.Sprintf("detect-%d", i), d.body, addrs[d.scenario], caFile)
	}
	serve, servePID := startServe(t, dir, specDir)
	bb, bbPID := startBlackboxFor(t, bins[promtest.Blackbox], dir, caFile)

	var report strings.Builder
	fmt.Fprintf(&report, "side by side at %s RTT (proxy), %d probes each; median [min-max]\n\n", *delayFlag, *probesFlag)
	report.WriteString("| exporter | path | stages | scrape wall | probe_duration_seconds | connect..ehlo_tls | CPU per probe |\n|---|---|---|---|---|---|---|\n")
	bbURL := fmt.Sprintf("http://%s/probe?module=smtp_starttls&target=%s", bb, proxied["directsend-ok"])
	report.WriteString(measureExporter(t, "blackbox_exporter 0.23 smtp_starttls", "directsend-ok", "banner, EHLO, STARTTLS, TLS, EHLO, QUIT", bbURL, bbPID, false))
	report.WriteString(measureExporter(t, "smtpspec serve", "directsend-ok", "+ MAIL, RCPT, RSET, QUIT (pipelined), verdict, golden compare", "http://"+serve+"/probe?target=ds", servePID, true))
	report.WriteString(measureExporter(t, "smtpspec serve", "submission-ok", "+ AUTH LOGIN, MAIL, RCPT, RSET, QUIT", "http://"+serve+"/probe?target=sub", servePID, true))

	report.WriteString("\nwhat each detects (one probe each, no proxy)\n\n| scenario | blackbox smtp_starttls | smtpspec serve |\n|---|---|---|\n")
	for i, d := range detectScenarios {
		body, _ := get(t, fmt.Sprintf("http://%s/probe?module=%s&target=%s", bb, d.module, addrs[d.scenario]), 10*time.Second)
		bbm := families(t, body)
		bbOK, _ := gauge(bbm, "probe_success")
		regex, _ := gauge(bbm, "probe_failed_due_to_regex")
		body, _ = get(t, fmt.Sprintf("http://%s/probe?target=detect-%d", serve, i), 10*time.Second)
		sm := families(t, body)
		ok, _ := gauge(sm, "probe_success")
		verdict := fmt.Sprintf("probe_success %v: %s", ok, infoText(sm))
		fmt.Fprintf(&report, "| %s | probe_success %v (failed_due_to_regex %v) | %s |\n", d.name, bbOK, regex, verdict)
	}
	fmt.Println(report.String())
	if *outFlag != "" {
		if err := os.WriteFile(*outFlag, []byte(report.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// measureExporter scrapes url probes times (after 3 to warm up) and
// returns the report row.
func measureExporter(t *testing.T, name, path, stages, url string, pid int, smtpspec bool) string {
	for range 3 {
		get(t, url, 10*time.Second)
	}
	var walls, probes, early []time.Duration
	cpu0 := procCPU(t, pid)
	for range *probesFlag {
		body, wall := get(t, url, 10*time.Second)
		mfs := families(t, body)
		if ok, _ := gauge(mfs, "probe_success"); ok != 1 {
			t.Fatalf("%s %s: probe failed:\n%s", name, path, body)
		}
		walls = append(walls, wall)
		d, _ := gauge(mfs, "probe_duration_seconds")
		probes = append(probes, seconds(d))
		if smtpspec {
			sum, _ := gauge(mfs, "probe_dns_lookup_time_seconds")
			for _, p := range exporter.Phases[:slices.Index(exporter.Phases, transcript.EHLOTLS)+1] {
				v, _ := gauge(mfs, "probe_smtp_duration_seconds", "phase="+string(p))
				sum += v
			}
			early = append(early, seconds(sum))
		}
	}
	cpu := (procCPU(t, pid) - cpu0) / time.Duration(*probesFlag)
	earlyCell := "(its whole probe)"
	if smtpspec {
		earlyCell = spread(early)
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |\n", name, path, stages, spread(walls), spread(probes), earlyCell, cpu.Round(10*time.Microsecond))
}

// infoText is probe_smtp_info's verdict as "category at stage (step N),
// code enhanced".
func infoText(mfs map[string]*dto.MetricFamily) string {
	l := func(name string) string { return promtest.Label(mfs, "probe_smtp_info", name) }
	s := l("category")
	if l("stage") != "" {
		s += " at " + l("stage")
	}
	if l("step") != "" {
		s += " (step " + l("step") + ")"
	}
	if c := strings.TrimSpace(l("code") + " " + l("enhanced")); c != "" {
		s += ", " + c
	}
	return s
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// spread is "median [min-max]" in milliseconds.
func spread(d []time.Duration) string {
	s := slices.Clone(d)
	slices.Sort(s)
	ms := func(x time.Duration) string { return fmt.Sprintf("%.1f", float64(x)/1e6) }
	return fmt.Sprintf("%s ms [%s-%s]", ms(s[len(s)/2]), ms(s[0]), ms(s[len(s)-1]))
}

// writeBenchSpec writes one site at addr (host:port) trusting caFile.
func writeBenchSpec(t *testing.T, dir, name, body, addr, caFile string) {
	host, port, _ := net.SplitHostPort(addr)
	spec := fmt.Sprintf("site %q {\n%s  endpoint {\n    host        = %q\n    port        = %s\n    server_name = \"localhost\"\n    ca_file     = %q\n  }\n"+
		"  envelope {\n    from = \"scanner@contoso.com\"\n    to   = [\"frontdesk@contoso.com\"]\n  }\n"+
		"  timeouts {\n    connect = \"5s\"\n    command = \"5s\"\n    total   = \"30s\"\n  }\n}\n", name, body, host, port, caFile)
	if err := os.WriteFile(filepath.Join(dir, name+".hcl"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startBlackboxFor runs blackbox_exporter with its documented
// smtp_starttls module, and the same module as a TLS 1.0/1.1 device
// would negotiate.
func startBlackboxFor(t *testing.T, bin, dir, caFile string) (string, int) {
	cfg := "modules:\n" + promtest.BlackboxSMTPModule("smtp_starttls", caFile) +
		promtest.BlackboxSMTPModule("smtp_starttls_legacy", caFile, "min_version: TLS10", "max_version: TLS11")
	p := filepath.Join(dir, "blackbox.yml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := promtest.FreeAddr(t)
	pid := promtest.Start(t, bin, "http://"+addr+"/-/healthy", "--config.file="+p, "--web.listen-address="+addr)
	return addr, pid
}
