package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCaptureUsage: bad flags are refused before anything listens, each
// with what to do; the listener's own failures say why.
func TestCaptureUsage(t *testing.T) {
	dir := t.TempDir()
	exists := filepath.Join(dir, "exists.hcl")
	os.WriteFile(exists, []byte("# mine\n"), 0o644)
	junk := filepath.Join(dir, "junk-ca.pem")
	os.WriteFile(junk, []byte("not a CA"), 0o600)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--persona", "hybrid"}, "--persona"},
		{[]string{"--tls", "ssl"}, "--tls"},
		{[]string{"--format", "xml"}, "--format"},
		{[]string{"--site", "bad name"}, "--site"},
		{[]string{"--cert", "c.pem"}, "go together"},
		{[]string{"--out", exists}, "exists"},
		{[]string{"--out", filepath.Join(dir, "missing", "x.hcl")}, "does not exist"},
		{[]string{"--expect-password-env", "NOT_SET"}, "not set"},
		{[]string{"--ca", junk}, "--ca"},
		{[]string{"--listen", busy.Addr().String()}, "another mail server"},
		{[]string{"--connections", "0"}, "positive"},
		{[]string{"stray"}, "unexpected argument"},
	}
	for _, tc := range cases {
		code, _, errs := runCLI(t, captureEnv, append([]string{"capture"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("capture %v: exit %d, stderr %q; want exit 2 mentioning %q", tc.args, code, errs, tc.want)
		}
	}
	if b, _ := os.ReadFile(exists); string(b) != "# mine\n" {
		t.Errorf("an existing --out was touched")
	}
}

// TestCaptureNoDevice: nobody connects before --timeout: exit 1, the
// report says so, and no spec is written.
func TestCaptureNoDevice(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.hcl")
	code, stdout, errs := runCLI(t, captureEnv, "capture", "--listen", "127.0.0.1:0", "--timeout", "200ms", "--out", out)
	if code != exitFail || !strings.Contains(stdout, "no-connection") || !strings.Contains(errs, "not written") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a spec was written without a device")
	}
}

// TestCaptureKeepsItsCA: --ca creates the CA once (0600, key included)
// and reuses it, so a device that trusts it keeps trusting it.
func TestCaptureKeepsItsCA(t *testing.T) {
	dir := t.TempDir()
	caFile, out1, out2 := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "1.crt"), filepath.Join(dir, "2.crt")
	for _, out := range []string{out1, out2} {
		if code, _, errs := runCLI(t, captureEnv, "capture", "--listen", "127.0.0.1:0", "--timeout", "50ms", "--ca", caFile, "--ca-out", out); code != exitFail {
			t.Fatalf("exit %d: %s", code, errs)
		}
	}
	info, err := os.Stat(caFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the kept CA: %v, mode %v", err, info.Mode())
	}
	a, _ := os.ReadFile(out1)
	b, _ := os.ReadFile(out2)
	if len(a) == 0 || string(a) != string(b) || strings.Contains(string(a), "PRIVATE KEY") {
		t.Errorf("--ca-out differs between runs, is empty or holds the key")
	}
}
