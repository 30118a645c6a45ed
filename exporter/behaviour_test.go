package exporter

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/runner"
)

// TestGuardAnswersTheRecord: after an AUTH failure the mailbox is not
// probed again; the scrape answers the recorded failure and says so.
func TestGuardAnswersTheRecord(t *testing.T) {
	f := newFixture(t, 2, site{"hq-bad-password", "submission-bad-credentials", loginBody})
	mfs, _ := f.scrape("hq-bad-password", 10*time.Second)
	if v, _ := value(mfs, "probe_smtp_guard_answered"); v != 0 {
		t.Fatalf("first scrape answered by the guard")
	}
	if n := f.simLog.count("C: AUTH"); n != 1 {
		t.Fatalf("%d AUTH commands after one scrape", n)
	}
	for range 3 {
		mfs, body := f.scrape("hq-bad-password", 10*time.Second)
		if v, _ := value(mfs, "probe_smtp_guard_answered"); v != 1 {
			t.Fatalf("scrape after the failure not answered by the guard:\n%s", body)
		}
		if _, ok := value(mfs, "probe_smtp_info", "source=guard", "code=535", "enhanced=5.7.139", "category=auth", "stage=auth", "status=error"); !ok {
			t.Errorf("info does not answer the record:\n%s", grep(body, "probe_smtp_info"))
		}
		if v, _ := value(mfs, "probe_smtp_status_code"); v != 535 {
			t.Errorf("status code %v, want the recorded 535", v)
		}
		if v, _ := value(mfs, "probe_success"); v != 0 {
			t.Errorf("probe_success %v", v)
		}
		last, ok1 := value(mfs, "probe_smtp_guard_last_failure_timestamp_seconds")
		next, ok2 := value(mfs, "probe_smtp_guard_next_probe_timestamp_seconds")
		if !ok1 || !ok2 || next-last != authguard.DefaultInterval.Seconds() {
			t.Errorf("guard times %v..%v (%v %v)", last, next, ok1, ok2)
		}
		if !strings.Contains(mfs["probe_smtp_guard_answered"].GetHelp(), "recorded failure") {
			t.Errorf("HELP does not say the scrape answers the record: %s", mfs["probe_smtp_guard_answered"].GetHelp())
		}
		checkLabels(t, mfs, body)
	}
	if n := f.simLog.count("C: AUTH"); n != 1 {
		t.Errorf("the guard let %d AUTH attempts through, want 1", n)
	}
	_, self := f.get("/metrics", 0)
	if !strings.Contains(self, "smtpspec_exporter_guard_answers_total 3") {
		t.Errorf("guard answers not counted:\n%s", grep(self, "guard"))
	}
	_, page := f.get("/", 0)
	if !strings.Contains(page, "(guard)") {
		t.Errorf("landing page does not show the guard")
	}
}

// TestDriftIsReportedNotWritten: a golden that differs gives
// probe_success 0 and golden_match 0; the folder is left as it was.
func TestDriftIsReportedNotWritten(t *testing.T) {
	f := newFixture(t, 2, site{"branch-ds", "directsend-ok", directSend}, site{"branch-same", "directsend-ok", directSend})
	// Record the real golden of branch-same, then a changed one for branch-ds.
	r := runner.RunSite(context.Background(), f.ex.current().byName["branch-same"], runner.Options{Golden: f.golden, Update: true, Probe: runner.ProbeOptions{RootCAs: f.ca.Pool()}})
	if r.Status != runner.StatusPass {
		t.Fatalf("recording: %s", r.Status)
	}
	if err := f.golden.Write("branch-ds", []byte(strings.Replace(string(r.Golden), "250", "251", 1))); err != nil {
		t.Fatal(err)
	}
	before := listDir(t, f.golden.Dir)
	mfs, body := f.scrape("branch-ds", 10*time.Second)
	if v, _ := value(mfs, "probe_success"); v != 0 {
		t.Errorf("drift: probe_success %v", v)
	}
	if v, ok := value(mfs, "probe_smtp_golden_match"); !ok || v != 0 {
		t.Errorf("drift: golden_match %v %v", v, ok)
	}
	if _, ok := value(mfs, "probe_smtp_info", "status=drift", "category=ok"); !ok {
		t.Errorf("drift: %s", grep(body, "probe_smtp_info"))
	}
	mfs, _ = f.scrape("branch-same", 10*time.Second)
	if v, _ := value(mfs, "probe_smtp_golden_match"); v != 1 {
		t.Errorf("match: golden_match %v", v)
	}
	if v, _ := value(mfs, "probe_success"); v != 1 {
		t.Errorf("match: probe_success %v", v)
	}
	if after := listDir(t, f.golden.Dir); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("serve changed the golden folder: %v -> %v", before, after)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		info, _ := e.Info()
		out = append(out, e.Name()+"@"+info.ModTime().String())
	}
	return out
}

// TestReloadKeepsTheLastGoodSet: a bad spec is reported and the sites
// loaded before stay in service; a fixed one is taken.
func TestReloadKeepsTheLastGoodSet(t *testing.T) {
	f := newFixture(t, 2, site{"branch-ds", "directsend-ok", directSend})
	bad := filepath.Join(f.specs, "broken.hcl")
	if err := os.WriteFile(bad, []byte("site \"broken\" {\n  method = \"carrier-pigeon\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(f.srv.URL+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("bad reload: HTTP %d", resp.StatusCode)
	}
	_, self := f.get("/metrics", 0)
	for _, w := range []string{"smtpspec_exporter_config_last_reload_successful 0", `smtpspec_exporter_config_reloads_total{result="failure"} 1`, "smtpspec_exporter_sites 1"} {
		if !strings.Contains(self, w) {
			t.Errorf("/metrics lacks %q", w)
		}
	}
	_, page := f.get("/", 0)
	if !strings.Contains(page, "The last reload failed") || !strings.Contains(page, "broken.hcl") {
		t.Errorf("landing page does not report the failed reload:\n%s", page)
	}
	if mfs, _ := f.scrape("branch-ds", 10*time.Second); mfs["probe_success"] == nil {
		t.Error("the last good site is not served")
	}
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	f.writeSite(site{"broken", "banned-ip", directSend}) // fixed: a valid spec of the same name
	if err := f.ex.Reload(); err != nil {
		t.Fatalf("good reload: %v", err)
	}
	if mfs, _ := f.scrape("broken", 10*time.Second); mfs["probe_success"] == nil {
		t.Error("the new site is not served")
	}
	_, self = f.get("/metrics", 0)
	if !strings.Contains(self, "smtpspec_exporter_config_last_reload_successful 1") || !strings.Contains(self, "smtpspec_exporter_sites 2") {
		t.Errorf("good reload not reported:\n%s", grep(self, "config"))
	}
}

// silentServer accepts connections and never speaks: a stalled path. It
// counts the connections (each is one probe).
func silentServer(t *testing.T) (addr string, conns *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = &atomic.Int64{}
	var mu sync.Mutex
	var open []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			mu.Lock()
			open = append(open, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String(), conns
}

// slowBody waits 60 s for a banner: only the scrape's deadline ends it.
const slowBody = directSend + "  # tls none\n  timeouts {\n    connect = \"5s\"\n    command = \"60s\"\n    total   = \"60s\"\n  }\n"

// TestScrapeTimeoutCapsTheProbe: the scrape's timeout minus 0.5 s is the
// site's deadline, whatever its spec allows.
func TestScrapeTimeoutCapsTheProbe(t *testing.T) {
	addr, _ := silentServer(t)
	f := newFixture(t, 2, site{"stalled", addr, slowBody})
	mfs, body := f.scrape("stalled", 1500*time.Millisecond)
	if v, _ := value(mfs, "probe_success"); v != 0 {
		t.Errorf("probe_success %v", v)
	}
	if _, ok := value(mfs, "probe_smtp_info", "stage=banner"); !ok {
		t.Errorf("the stall is not reported at the banner:\n%s", grep(body, "info"))
	}
	if v, _ := value(mfs, "probe_duration_seconds"); v >= 60 {
		t.Errorf("the probe ran %vs: the scrape timeout did not cap it", v)
	}
}

// waitFor polls /metrics until it holds line (bounded).
func (f *fixture) waitFor(line string) {
	f.t.Helper()
	for range 500 {
		if _, self := f.get("/metrics", 0); strings.Contains(self, line) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.t.Fatalf("/metrics never showed %q", line)
}

// TestBusyAnswers503: with every slot taken, a request waits at most half
// its budget, then gets 503 (the scraper records up 0, not a site failure).
func TestBusyAnswers503(t *testing.T) {
	addr, _ := silentServer(t)
	f := newFixture(t, 1, site{"stalled", addr, slowBody}, site{"branch-ds", "directsend-ok", directSend})
	done := make(chan struct{})
	go func() { defer close(done); f.get("/probe?target=stalled", 20*time.Second) }()
	f.waitFor("smtpspec_exporter_probes_in_flight 1")
	code, body := f.get("/probe?target=branch-ds", time.Second)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "too many probes") {
		t.Errorf("HTTP %d %q, want 503", code, body)
	}
	f.waitFor(`smtpspec_exporter_requests_rejected_total{reason="busy"} 1`)
	f.ex.Stop() // ends the stalled probe
	<-done
}

// TestConcurrentScrapesShareOneProbe: two scrapers asking for the same
// site at once (an HA pair) cause one SMTP session.
func TestConcurrentScrapesShareOneProbe(t *testing.T) {
	addr, conns := silentServer(t)
	body := directSend + "  # tls none\n  timeouts {\n    connect = \"2s\"\n    command = \"1s\"\n    total   = \"5s\"\n  }\n"
	f := newFixture(t, 4, site{"slow", addr, body})
	var wg sync.WaitGroup
	codes := make([]int, 2)
	wg.Add(1)
	go func() { defer wg.Done(); codes[0], _ = f.get("/probe?target=slow", 10*time.Second) }()
	f.waitFor("smtpspec_exporter_probes_in_flight 1")
	wg.Add(1)
	go func() { defer wg.Done(); codes[1], _ = f.get("/probe?target=slow", 10*time.Second) }()
	f.waitFor("smtpspec_exporter_probes_shared_total 1")
	wg.Wait()
	if codes[0] != 200 || codes[1] != 200 {
		t.Errorf("codes %v", codes)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for two concurrent scrapes, want 1", n)
	}
}

// TestShutdownCancelsWithinGrace: Serve returns once its context ends and
// the grace is over; the cut probe's scrape gets 503, not a failure.
func TestShutdownCancelsWithinGrace(t *testing.T) {
	addr, _ := silentServer(t)
	f := newFixture(t, 2, site{"stalled", addr, slowBody})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- f.ex.Serve(ctx, ln, 200*time.Millisecond) }()
	got := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/probe?target=stalled", nil)
		req.Header.Set(ScrapeTimeoutHeader, "30")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- -1
			return
		}
		resp.Body.Close()
		got <- resp.StatusCode
	}()
	f.waitFor("smtpspec_exporter_probes_in_flight 1")
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	if code := <-got; code != http.StatusServiceUnavailable {
		t.Errorf("cut probe answered HTTP %d, want 503", code)
	}
}

// TestDebugAndLandingHoldNoSecret: the debug answer shows the transcript
// and verdict (redacted), the landing page the sites; neither, nor
// /metrics, holds the password in any form.
func TestDebugAndLandingHoldNoSecret(t *testing.T) {
	f := newFixture(t, 2, site{"hq-login", "submission-ok", loginBody}, site{"hq-auth-disabled", "submission-auth-disabled", loginBody})
	for _, name := range []string{"hq-login", "hq-auth-disabled"} {
		code, body := f.get("/probe?target="+name+"&debug=true", 10*time.Second)
		if code != 200 {
			t.Fatalf("debug: HTTP %d", code)
		}
		for _, w := range []string{"Verdict and transcript:", "C: EHLO", "C: AUTH LOGIN", "<redacted>", "Metrics that would have been returned:", "probe_success"} {
			if !strings.Contains(body, w) {
				t.Errorf("%s debug lacks %q:\n%s", name, w, body)
			}
		}
		for _, s := range secretForms() {
			if strings.Contains(body, s) {
				t.Errorf("%s debug holds the secret (%q)", name, s)
			}
		}
	}
	for _, p := range []string{"/", "/metrics"} {
		_, body := f.get(p, 0)
		for _, s := range secretForms() {
			if strings.Contains(body, s) {
				t.Errorf("%s holds the secret (%q)", p, s)
			}
		}
		if p == "/" {
			for _, w := range []string{"hq-login", "hq-auth-disabled", "pass", "fail", "auth at auth"} {
				if !strings.Contains(body, w) {
					t.Errorf("landing page lacks %q", w)
				}
			}
		}
	}
}
