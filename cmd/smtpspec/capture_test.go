package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/capture"
	"github.com/smtpspec/smtpspec/internal/syncbuf"
)

const capturePassword = "Sc4n&Send-2026"

var captureEnv = testGetenv(map[string]string{"SCANNER_PASSWORD": capturePassword})

// liveCapture is `smtpspec capture` running in-process for a test.
type liveCapture struct {
	port           string
	stdout, stderr *syncbuf.Buffer
	done           chan int
}

var playingOn = regexp.MustCompile(`\) on 127\.0\.0\.1:(\d+)`)

// startCapture runs the capture command with args on a free loopback
// port and waits (bounded) until it says where it listens.
func startCapture(t *testing.T, args ...string) *liveCapture {
	t.Helper()
	lc := &liveCapture{stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}, done: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	args = append([]string{"capture", "--listen", "127.0.0.1:0", "--grace", "300ms", "--timeout", "60s"}, args...)
	go func() { lc.done <- run(ctx, args, captureEnv, strings.NewReader(""), lc.stdout, lc.stderr) }()
	for i := 0; i < 200; i++ {
		if m := playingOn.FindStringSubmatch(lc.stderr.String()); m != nil {
			lc.port = m[1]
			return lc
		}
		select {
		case code := <-lc.done:
			t.Fatalf("capture exited %d before listening:\n%s", code, lc.stderr)
		case <-time.After(25 * time.Millisecond):
		}
	}
	t.Fatalf("capture did not listen within 5s:\n%s", lc.stderr)
	return nil
}

func (lc *liveCapture) wait(t *testing.T) (int, *capture.Report) {
	t.Helper()
	var code int
	select {
	case code = <-lc.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("capture did not end:\n%s", lc.stderr)
	}
	var rep capture.Report
	if err := json.Unmarshal([]byte(lc.stdout.String()), &rep); err != nil {
		t.Fatalf("exit %d, stdout is not the JSON report: %v\n%s\n%s", code, err, lc.stdout, lc.stderr)
	}
	return code, &rep
}

// captureDevices are devices played by swaks, each set as a printer is.
var captureDevices = []struct {
	name      string
	swaks     []string
	scenario  string // the simulator scenario the spec is run against
	greeting  string // in the golden
	tls       string // "T: TLS1.2" in the golden, "" for none
	mechanism string // "C: AUTH LOGIN" in the golden, "" for none
	pipelines bool
}{
	{"tls12-login-pipelining", []string{"--helo", "mfp-a.contoso.local", "--tls", "--tls-protocol", "tlsv1_2", "--auth", "LOGIN", "--pipeline"},
		"submission-ok", "C: EHLO mfp-a.contoso.local", "T: TLS1.2", "C: AUTH LOGIN", true},
	{"tls13-login-waits", []string{"--helo", "mfp-b.contoso.local", "--tls", "--auth", "LOGIN"},
		"submission-ok", "C: EHLO mfp-b.contoso.local", "T: TLS1.3", "C: AUTH LOGIN", false},
	{"helo-plain", []string{"--helo", "mfp-c.contoso.local", "--protocol", "SMTP"},
		"submission-helo-only", "C: HELO mfp-c.contoso.local", "", "", false},
}

// TestCaptureEndToEnd: a device sends to `smtpspec capture`; the spec it
// writes validates, is formatted, and when run against the simulator makes
// the probe behave like the device (greeting, TLS range, mechanism: the
// golden shows them). Run against a second capture instead, the probe is
// seen to pipeline exactly when the device did. No output holds the
// password in any form.
func TestCaptureEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("swaks"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("swaks is not installed (CI is set: this test must not skip)")
		}
		t.Skip("swaks is not installed: apt-get install swaks")
	}
	for _, dev := range captureDevices {
		t.Run(dev.name, func(t *testing.T) {
			dir := t.TempDir()
			spec := filepath.Join(dir, "device.hcl")
			caOut := filepath.Join(dir, "capture-ca.pem")
			lc := startCapture(t, "--format", "json", "--out", spec, "--site", "device", "--expect-password-env", "SCANNER_PASSWORD", "--ca-out", caOut)
			swaks(t, lc.port, dev.swaks...)
			code, rep := lc.wait(t)
			if len(rep.Connections) != 1 || code == exitUsage {
				t.Fatalf("exit %d, %d connections:\n%s", code, len(rep.Connections), lc.stderr)
			}
			if c, _, errs := runCLI(t, captureEnv, "validate", spec); c != exitOK {
				t.Fatalf("validate: exit %d\n%s\n%s", c, errs, mustRead(t, spec))
			}
			if c, out, _ := runCLI(t, captureEnv, "fmt", "--check", spec); c != exitOK {
				t.Errorf("fmt --check: exit %d: %s", c, out)
			}

			// Against the simulator: the golden shows the device's ways.
			addr, simCA := startScenario(t, dev.scenario)
			simSpec := pointAt(t, dir, "sim.hcl", mustRead(t, spec), addr, simCA)
			runCLI(t, captureEnv, "run", "--golden", filepath.Join(dir, "golden"), "--update", simSpec)
			g := mustRead(t, filepath.Join(dir, "golden", "device.golden"))
			for _, want := range []string{dev.greeting, dev.tls, dev.mechanism} {
				if want != "" && !strings.Contains(g, want+"\n") && !strings.Contains(g, want+" ") {
					t.Errorf("golden lacks %q:\n%s", want, g)
				}
			}
			if dev.tls == "" && strings.Contains(g, "T: ") {
				t.Errorf("golden has TLS for a device without it:\n%s", g)
			}

			// Against a second capture: the probe pipelines as the device did.
			lc2 := startCapture(t, "--format", "json", "--ca-out", filepath.Join(dir, "ca2.pem"), "--expect-password-env", "SCANNER_PASSWORD")
			replay := pointAt(t, dir, "replay.hcl", mustRead(t, spec), "127.0.0.1:"+lc2.port, filepath.Join(dir, "ca2.pem"))
			runCLI(t, captureEnv, "run", "--golden", filepath.Join(dir, "golden2"), "--update", replay)
			_, rep2 := lc2.wait(t)
			if len(rep2.Connections) != 1 {
				t.Fatalf("replay: %d connections", len(rep2.Connections))
			}
			dc, pc := rep.Connections[0], rep2.Connections[0]
			if dc.Greeting != pc.Greeting || dc.HeloName != pc.HeloName {
				t.Errorf("probe greets %s %s, device %s %s", pc.Greeting, pc.HeloName, dc.Greeting, dc.HeloName)
			}
			if got := len(pc.Pipelined) > 0; got != dev.pipelines || (len(dc.Pipelined) > 0) != dev.pipelines {
				t.Errorf("pipelining: device %v, probe %v, want %v", dc.Pipelined, pc.Pipelined, dev.pipelines)
			}
			if dc.TLS != nil && (pc.TLS == nil || pc.TLS.Hello == nil || last(pc.TLS.Hello.Versions) > last(dc.TLS.Hello.Versions) ||
				first(pc.TLS.Hello.Versions) != first(dc.TLS.Hello.Versions)) {
				t.Errorf("TLS: device offered %v, probe %v", dc.TLS.Hello.Versions, pc.TLS)
			}
			if len(dc.Auth) > 0 && (len(pc.Auth) == 0 || pc.Auth[0].Mechanism != dc.Auth[0].Mechanism || pc.Auth[0].Password.Match != capture.MatchYes) {
				t.Errorf("AUTH: device %+v, probe %+v", dc.Auth, pc.Auth)
			}

			all := lc.stdout.String() + lc.stderr.String() + mustRead(t, spec) + g + lc2.stdout.String() + lc2.stderr.String()
			for _, f := range []string{"human", "markdown"} {
				var b bytes.Buffer
				capture.Write(&b, f, rep)
				all += b.String()
			}
			assertNoPassword(t, all, "scanner@contoso.com", capturePassword)
		})
	}
}

func first(vs []string) string { return vs[0] }
func last(vs []string) string  { return vs[len(vs)-1] }

// swaks plays the device with the test password (the capture compares it
// with $SCANNER_PASSWORD).
func swaks(t *testing.T, port string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	base := []string{"--server", "127.0.0.1", "--port", port, "--from", "scanner@contoso.com", "--to", "frontdesk@contoso.com"}
	if strings.Contains(strings.Join(args, " "), "--auth") {
		base = append(base, "--auth-user", "scanner@contoso.com", "--auth-password", capturePassword)
	}
	if out, err := exec.CommandContext(ctx, "swaks", append(base, args...)...).CombinedOutput(); err != nil && ctx.Err() != nil {
		t.Fatalf("swaks hung: %s", out)
	}
}

// pointAt rewrites the captured spec's Microsoft 365 endpoint to addr,
// trusting caFile, as the demo points examples at the simulator.
func pointAt(t *testing.T, dir, name, src, addr, caFile string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	src = strings.Replace(src, `host = "smtp.office365.com"`, `host = "`+host+`"
    server_name = "localhost"
    ca_file = "`+caFile+`"`, 1)
	src = regexp.MustCompile(`port += 587`).ReplaceAllString(src, "port = "+port)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// assertNoPassword searches out for the password in plain text, base64
// (AUTH LOGIN) and the AUTH PLAIN blob.
func assertNoPassword(t *testing.T, out, user, pw string) {
	t.Helper()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	forms := map[string]string{"plain": pw, "base64": b64(pw), "PLAIN blob": b64("\x00" + user + "\x00" + pw), "url-encoded": url.QueryEscape(pw)}
	for name, f := range forms {
		if strings.Contains(out, f) {
			t.Errorf("the password appears in an output (%s form)", name)
		}
	}
}
