package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/syncbuf"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
)

// TestRunInterruptedInProcess: run --update whose context a SIGINT
// cancels while a probe stalls exits 130, writes its report, records no
// golden for the interrupted site and prunes nothing, on every platform
// (the signal itself is the unix test's; here the cause is set as
// withSignals sets it).
func TestRunInterruptedInProcess(t *testing.T) {
	dir := t.TempDir()
	addr, ca, reached := stallSim(t)
	spec := writeSpec(t, dir, "stalled", "direct_send", addr, ca, "starttls", "")
	src, _ := os.ReadFile(spec)
	os.WriteFile(spec, []byte(strings.Replace(string(src), `command = "1s"`, `command = "30s"`, 1)), 0o644)
	gdir := filepath.Join(dir, "golden")
	os.MkdirAll(gdir, 0o755)
	orphan := filepath.Join(gdir, "gone.golden")
	os.WriteFile(orphan, []byte("# a site no spec declares\n"), 0o644)
	out := filepath.Join(dir, "junit.xml")

	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var stdout, stderr syncbuf.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"run", "--golden", gdir, "--update", "--prune", "--format", "junit", "--out", out, spec},
			testGetenv(nil), strings.NewReader(""), &stdout, &stderr)
	}()
	select {
	case <-reached:
	case code := <-done:
		t.Fatalf("exit %d before the stall\n%s", code, stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatal("the probe never reached the stall")
	}
	cancel(interrupt{os.Interrupt})
	var code int
	select {
	case code = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10s of the interruption (deadlines are 30s)")
	}
	if code != exitInterruptSIGINT {
		t.Errorf("exit %d, want 130\n%s", code, stderr.String())
	}
	if junit := mustRead(t, out); !strings.Contains(junit, `type="interrupted"`) || !strings.Contains(junit, "(SIGINT): not judged") {
		t.Errorf("JUnit report:\n%s", junit)
	}
	if _, err := os.Stat(filepath.Join(gdir, "stalled.golden")); err == nil {
		t.Error("--update wrote the interrupted site's golden")
	}
	if _, err := os.Stat(orphan); err != nil {
		t.Error("an interrupted run pruned a golden")
	}
	if !strings.Contains(stderr.String(), "interrupted by SIGINT: 1 of 1 site(s) not judged") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

// stallSim starts the ehlo-stall scenario; reached is closed when the
// simulator has sent its banner and stalls: the probe, which sends EHLO
// at once, is then blocked in its ehlo stage (or, at worst, reading the
// banner: a stall either way).
func stallSim(t *testing.T) (addr, ca string, reached <-chan struct{}) {
	ch := make(chan struct{})
	var once sync.Once
	logf := func(format string, args ...any) {
		if strings.Contains(fmt.Sprintf(format, args...), "stalling") {
			once.Do(func() { time.AfterFunc(100*time.Millisecond, func() { close(ch) }) })
		}
	}
	srv, a := simtest.Start(t, "ehlo-stall", sim.Options{Logf: logf})
	ca = filepath.Join(t.TempDir(), "stall-ca.pem")
	if err := os.WriteFile(ca, srv.CA().CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return a.String(), ca, ch
}
