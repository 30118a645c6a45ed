//go:build unix

package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/syncbuf"
	"github.com/smtpspec/smtpspec/report"
)

// buildBinary builds smtpspec into dir, as a user installs it.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "smtpspec")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestSignalsStopTheBinary runs the built binary as a CI job would (CI
// set, one spec folder, JUnit, HTML and JSON reports, --raw) and sends it
// SIGINT, then SIGTERM, while a site's probe is blocked at EHLO: the
// binary exits within moments (the deadlines are 30s) with 130 or 143,
// the finished site keeps its result and its pending golden, the stalled
// and the unstarted site are interrupted, every report is written, and
// no pending golden records the interruption.
func TestSignalsStopTheBinary(t *testing.T) {
	bin := buildBinary(t, t.TempDir())
	okAddr, okCA := startScenario(t, "directsend-ok")
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
		code int
		full bool // the reports meet a full disk (a 4 KiB file size limit)
	}{{syscall.SIGINT, "SIGINT", 130, false}, {syscall.SIGTERM, "SIGTERM", 143, false}, {syscall.SIGINT, "SIGINT", 130, true}} {
		t.Run(fmt.Sprintf("%s/full=%v", tc.name, tc.full), func(t *testing.T) {
			dir := t.TempDir()
			specDir, gdir, rdir := filepath.Join(dir, "specs"), filepath.Join(dir, "golden"), filepath.Join(dir, "reports")
			os.MkdirAll(specDir, 0o755)
			stallAddr, stallCA, reached := stallSim(t)
			slow := "  timeouts {\n    connect = \"30s\"\n    command = \"30s\"\n    total   = \"60s\"\n  }\n"
			writeSpec(t, specDir, "a-done", "direct_send", okAddr, okCA, "starttls", "")
			writeSpec(t, specDir, "b-stall", "direct_send", stallAddr, stallCA, "starttls", "")
			writeSpec(t, specDir, "c-later", "direct_send", okAddr, okCA, "starttls", "")
			p := filepath.Join(specDir, "b-stall.hcl")
			src, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(src), "  timeouts {\n    connect = \"2s\"\n    command = \"1s\"\n    total   = \"10s\"\n  }\n", slow, 1)), 0o644)

			args := []string{"run", specDir, "--golden", gdir, "--parallel", "1",
				"--report", "junit=" + filepath.Join(rdir, "junit.xml"), "--report", "html=" + filepath.Join(rdir, "report.html"),
				"--report", "json=" + filepath.Join(rdir, "report.json"), "--raw", filepath.Join(rdir, "raw")}
			cmd := exec.Command(bin, args...)
			if tc.full {
				// RLIMIT_FSIZE: a write past 4 KiB fails with EFBIG, as on a
				// full disk (Go ignores SIGXFSZ); the HTML report is larger.
				cmd = exec.Command("/bin/sh", append([]string{"-c", `ulimit -f 8 && exec "$0" "$@"`, bin}, args...)...)
			}
			cmd.Env = []string{"CI=true", "HOME=" + dir, "SMTPSPEC_CACHE_DIR=" + filepath.Join(dir, "cache"), "PATH=" + os.Getenv("PATH")}
			var stdout, stderr syncbuf.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-reached:
			case err := <-done:
				t.Fatalf("the run ended before the stalled probe: %v\n%s%s", err, stdout.String(), stderr.String())
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("the probe never reached the stalled EHLO\n%s", stderr.String())
			}
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("no exit within 20s of %s\n%s", tc.name, stderr.String())
			}
			took := time.Since(sent)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want %d\nstdout:\n%s\nstderr:\n%s", err, tc.code, stdout.String(), stderr.String())
			}
			if took > 5*time.Second {
				t.Errorf("exited %s after %s; the probe must end at once, not at its 30s deadline", took, tc.name)
			}
			if tc.full {
				checkReportsOnFullDisk(t, rdir, stderr.String())
				return
			}
			checkInterruptedRun(t, tc.name, gdir, rdir, stdout.String(), stderr.String())
		})
	}
}

// checkInterruptedRun checks what an interrupted run of a-done, b-stall
// and c-later left behind.
func checkInterruptedRun(t *testing.T, sig, gdir, rdir, stdout, stderr string) {
	t.Helper()
	if want := "interrupted by " + sig + ": 2 of 3 site(s) not judged"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	if !strings.Contains(stdout, "INTERRUPTED b-stall") || strings.Contains(stdout, "firewall") {
		t.Errorf("human report:\n%s", stdout)
	}
	var rep report.JSONReport
	if err := json.Unmarshal([]byte(mustRead(t, filepath.Join(rdir, "report.json"))), &rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	want := map[string]string{"a-done": "new", "b-stall": "interrupted", "c-later": "interrupted"}
	for _, s := range rep.Sites {
		if s.Status != want[s.Name] || (s.Status == "interrupted" && s.Verdict.Category != "") {
			t.Errorf("%s: %s, category %q", s.Name, s.Status, s.Verdict.Category)
		}
	}
	if rep.Run == nil || rep.Run.Interrupted != sig {
		t.Errorf("run = %+v, want interrupted by %s", rep.Run, sig)
	}
	var junit struct {
		XMLName xml.Name `xml:"testsuites"`
		Errors  int      `xml:"errors,attr"`
	}
	if err := xml.Unmarshal([]byte(mustRead(t, filepath.Join(rdir, "junit.xml"))), &junit); err != nil || junit.Errors != 2 {
		t.Errorf("JUnit: %v, %d errors, want the 2 interrupted sites", err, junit.Errors)
	}
	if html := mustRead(t, filepath.Join(rdir, "report.html")); strings.Count(html, `data-status="interrupted"`) != 2 {
		t.Errorf("HTML report lacks the interrupted sites")
	}
	for _, n := range []string{"a-done", "b-stall", "c-later"} {
		if raw := mustRead(t, filepath.Join(rdir, "raw", n+".raw.txt")); !strings.HasPrefix(raw, "# smtpspec raw transcript") {
			t.Errorf("raw transcript of %s: %s", n, raw)
		}
	}
	entries, _ := os.ReadDir(gdir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != 1 || got[0] != "a-done.golden.new" {
		t.Errorf("golden folder holds %v, want only the finished site's a-done.golden.new", got)
	}
}

// checkReportsOnFullDisk: the report that did not fit is named on
// stderr and absent (never half written, no temporary file left); the
// others are whole.
func checkReportsOnFullDisk(t *testing.T, rdir, stderr string) {
	t.Helper()
	if !strings.Contains(stderr, "report.html") || !strings.Contains(stderr, "file too large") {
		t.Errorf("stderr does not name the report that could not be written:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(rdir, "report.html")); err == nil {
		t.Error("a report.html was left although it could not be written whole")
	}
	filepath.WalkDir(rdir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
	// The outputs after the failed one are still written.
	if raw := mustRead(t, filepath.Join(rdir, "raw", "b-stall.raw.txt")); !strings.Contains(raw, "interrupted (SIGINT)") {
		t.Errorf("raw transcript after a failed report:\n%s", raw)
	}
	var junit struct {
		XMLName xml.Name `xml:"testsuites"`
	}
	if b, err := os.ReadFile(filepath.Join(rdir, "junit.xml")); err == nil {
		if err := xml.Unmarshal(b, &junit); err != nil {
			t.Errorf("junit.xml was written but is not whole: %v", err)
		}
	}
}

// TestSecondSignalExitsAtOnce: the first signal cancels the context with
// the signal as its cause and says so; the second calls exit with the
// signal's code without waiting for the command.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	var stderr syncbuf.Buffer
	exited := make(chan int, 1)
	ctx, stop := withSignals(context.Background(), signalsInterrupt, &stderr, func(code int) { exited <- code })
	defer stop()
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not cancel the context")
	}
	if i, ok := interruptedBy(ctx); !ok || i.Error() != "SIGTERM" || i.exitCode() != 143 {
		t.Errorf("cause %v, want SIGTERM with exit 143", context.Cause(ctx))
	}
	if !strings.Contains(stderr.String(), "SIGTERM: stopping") {
		t.Errorf("stderr %q", stderr.String())
	}
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case code := <-exited:
		if code != 130 {
			t.Errorf("second signal exit %d, want 130", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second signal did not exit")
	}
}
