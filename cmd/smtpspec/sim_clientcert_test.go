package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/syncbuf"
	"github.com/smtpspec/smtpspec/report"
)

var simAddrRE = regexp.MustCompile(`on (127\.0\.0\.1:\d+); Ctrl-C stops`)

// startSimCLI runs `smtpspec sim ARGS --listen 127.0.0.1:0` in-process
// until the test ends and returns the address it serves and its output.
func startSimCLI(t *testing.T, args ...string) (addr string, stdout, stderr *syncbuf.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append(args, "--listen", "127.0.0.1:0"), testGetenv(nil), strings.NewReader(""), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("smtpspec sim did not stop within 10s of its context ending")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := simAddrRE.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stdout, stderr
		}
		select {
		case code := <-done:
			t.Fatalf("smtpspec sim exited %d:\n%s%s", code, stdout, stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("smtpspec sim did not start within 10s:\n%s%s", stdout, stderr)
	return "", nil, nil
}

// TestSimClientCertOut: the certificate `smtpspec sim --client-cert-out`
// issues is one the relay-certificate scenario's connector accepts, used
// from a spec through the real CLI path; one for a name that is not an
// accepted domain is refused like an unmatched connector. Both files are
// 0600, and the key appears in no output.
func TestSimClientCertOut(t *testing.T) {
	cases := []struct {
		name     string
		certName []string // --client-cert-name, if any
		category string
		cn       string
	}{
		{"accepted-domain", nil, "ok", "relay.contoso.com"},
		{"other-domain", []string{"--client-cert-name", "printer.fabrikam.example"}, "policy", "printer.fabrikam.example"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ca, cert, key := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "mfp.pem"), filepath.Join(dir, "mfp.key")
			args := append([]string{"sim", "--scenario", "relay-certificate", "--ca-out", ca,
				"--client-cert-out", cert, "--client-key-out", key}, tc.certName...)
			addr, stdout, stderr := startSimCLI(t, args...)
			for _, p := range []string{cert, key} {
				fi, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
				}
			}
			leaf := parseCertFile(t, cert)
			if leaf.Subject.CommonName != tc.cn || len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth {
				t.Errorf("certificate CN %q, EKU %v; want CN %q for client auth", leaf.Subject.CommonName, leaf.ExtKeyUsage, tc.cn)
			}
			keyPEM, err := os.ReadFile(key)
			if err != nil {
				t.Fatal(err)
			}
			body := "  client {\n    certificate = file(\"mfp.pem\")\n    key         = env(\"MFP_KEY\")\n  }\n" +
				"  envelope {\n    from = \"warehouse@contoso.com\"\n    to   = [\"orders@fabrikam.com\"]\n  }\n"
			spec := writeSpec(t, dir, "relay-certificate", "relay", addr, ca, "starttls", body)
			getenv := testGetenv(map[string]string{"MFP_KEY": string(keyPEM)})
			code, out, errs := runCLI(t, getenv, "run", "--golden", filepath.Join(dir, "golden"), "--format", "json", "--update", spec)
			var rep report.JSONReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Sites) != 1 {
				t.Fatalf("run exit %d, stdout not a one-site JSON report: %v\n%s\n%s", code, err, out, errs)
			}
			if v := rep.Sites[0].Verdict; string(v.Category) != tc.category {
				t.Errorf("verdict %s (%s), want %s\nsim log:\n%s", v.Category, v.Summary, tc.category, stderr)
			}
			keyBody := strings.Join(strings.Split(strings.TrimSpace(string(keyPEM)), "\n")[1:2], "")
			for name, text := range map[string]string{"sim stdout": stdout.String(), "sim stderr": stderr.String(), "run stdout": out, "run stderr": errs} {
				if strings.Contains(text, keyBody) {
					t.Errorf("%s holds the private key", name)
				}
			}
		})
	}
}

// TestSimClientCertFlags: the pair goes together, and a scenario that
// does not ask for a certificate gets one with a note saying so.
func TestSimClientCertFlags(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	for _, args := range [][]string{
		{"sim", "--scenario", "relay-certificate", "--client-cert-out", cert},
		{"sim", "--scenario", "relay-certificate", "--client-key-out", key},
		{"sim", "--scenario", "relay-certificate", "--client-cert-out", cert, "--client-key-out", cert},
	} {
		code, _, errs := runCLI(t, testGetenv(nil), args...)
		if code != exitUsage || !strings.Contains(errs, "--client-cert-out and --client-key-out") {
			t.Errorf("%v: exit %d, want %d with a message naming both flags:\n%s", args[2:], code, exitUsage, errs)
		}
	}
	if _, err := os.Stat(cert); err == nil {
		t.Error("a refused command wrote a certificate")
	}
	_, _, stderr := startSimCLI(t, "sim", "--scenario", "relay-ok", "--client-cert-out", cert, "--client-key-out", key)
	if !strings.Contains(stderr.String(), "does not ask for a client certificate") {
		t.Errorf("no note for a scenario without a certificate connector:\n%s", stderr)
	}
	parseCertFile(t, cert)
}

func parseCertFile(t *testing.T, p string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s holds no PEM", p)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
