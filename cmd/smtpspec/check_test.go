package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// perfRE is one performance datum of the Nagios plugin guidelines.
var perfRE = regexp.MustCompile(`^'[^'=]+'=-?[0-9.]+(s|us|ms|%|B|KB|MB|TB|c)?(;[0-9.:~@-]*){0,4}$`)

// TestCheckCommand runs `smtpspec check` as Icinga or an RMM script would,
// one site per call, and checks the exit code, the one status line and
// its performance data.
func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	const secret = "Check-Cmd-Secret-9"
	cases := []struct {
		scenario, method, body string
		exit                   int
		line                   string // in the status line
	}{
		{"directsend-ok", "direct_send", "", 0, "SMTPSPEC OK - directsend-ok: ok:"},
		{"submission-ok", "submission", loginAuth, 1, "SMTPSPEC WARNING - submission-ok: basic-auth-retirement; ok:"},
		{"banned-ip", "direct_send", "", 2, "SMTPSPEC CRITICAL - banned-ip: failed; reputation at rcpt (step 7)"},
		{"submission-bad-credentials", "submission", loginAuth, 2, "SMTPSPEC CRITICAL - submission-bad-credentials: failed, basic-auth-retirement; auth at auth"},
	}
	for _, c := range cases {
		addr, ca := startScenario(t, c.scenario)
		writeSpec(t, dir, c.scenario, c.method, addr, ca, "starttls", c.body)
	}
	getenv := testGetenv(map[string]string{"SCANNER_PASSWORD": secret, "SMTPSPEC_CACHE_DIR": t.TempDir()})
	for _, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			code, out, _ := runCLI(t, getenv, "check", "--site", c.scenario, "--golden", filepath.Join(dir, "golden"), dir)
			if code != c.exit {
				t.Errorf("exit %d, want %d:\n%s", code, c.exit, out)
			}
			checkPluginOutput(t, out, c.line, secret)
		})
	}
	t.Run("guard", func(t *testing.T) {
		code, out, _ := runCLI(t, getenv, "check", "--site", "submission-bad-credentials", dir)
		if code != 2 || !strings.Contains(out, "SMTPSPEC CRITICAL - submission-bad-credentials: guard;") || !strings.Contains(out, "not probed") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
	t.Run("drift", func(t *testing.T) {
		g := filepath.Join(t.TempDir(), "golden")
		if code, out, errs := runCLI(t, getenv, "run", "--update", "--site", "directsend-ok", "--golden", g, dir); code != 0 {
			t.Fatalf("recording: %d %s %s", code, out, errs)
		}
		p := filepath.Join(g, "directsend-ok.golden")
		b, _ := os.ReadFile(p)
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), "250", "251", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, _ := runCLI(t, getenv, "check", "--site", "directsend-ok", "--golden", g, dir)
		if code != 1 || !strings.Contains(out, "SMTPSPEC WARNING - directsend-ok: drift;") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		if _, err := os.Stat(p + ".new"); err == nil {
			t.Error("check wrote a pending golden")
		}
	})
	for name, args := range map[string][]string{
		"no --site":      {"check", dir},
		"unknown site":   {"check", "--site", "nowhere", dir},
		"glob of many":   {"check", "--site", "*", dir},
		"missing folder": {"check", "--site", "x", filepath.Join(dir, "missing")},
		"bad flag":       {"check", "--bogus"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, _ := runCLI(t, getenv, args...)
			if code != 3 || !strings.HasPrefix(out, "SMTPSPEC UNKNOWN - ") {
				t.Errorf("exit %d, want 3 (UNKNOWN):\n%s", code, out)
			}
		})
	}
}

// checkPluginOutput: one status line with the state, text, '|' and valid
// performance data; no secret anywhere.
func checkPluginOutput(t *testing.T, out, want, secret string) {
	t.Helper()
	first, _, _ := strings.Cut(out, "\n")
	if !strings.HasPrefix(first, want) {
		t.Errorf("status line %q does not start with %q", first, want)
	}
	text, perf, ok := strings.Cut(first, " | ")
	if !ok || strings.Contains(text, "|") {
		t.Fatalf("status line without one '|' before the perfdata: %q", first)
	}
	for _, p := range strings.Fields(perf) {
		if !perfRE.MatchString(p) {
			t.Errorf("perfdata %q is malformed", p)
		}
	}
	for _, w := range []string{"'time'=", "'connect'=", "'cert_days'="} {
		if !strings.Contains(perf, w) {
			t.Errorf("perfdata lacks %s: %s", w, perf)
		}
	}
	for _, s := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret))} {
		if strings.Contains(out, s) {
			t.Errorf("output holds the secret")
		}
	}
}
