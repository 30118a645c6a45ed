package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/report"
)

// TestSimDomain walks what `smtpspec sim --domain` is for: a user points
// a spec that names their own domain at the simulator. The tenant takes
// the user's recipients, refuses contoso.com's as any other domain, and
// issues the connector certificate for relay.<domain>; a name that is not
// a domain is a usage error.
func TestSimDomain(t *testing.T) {
	runJSON := func(t *testing.T, dir, scenario, method, addr, ca, body string, env map[string]string) report.JSONSite {
		t.Helper()
		spec := writeSpec(t, dir, scenario, method, addr, ca, "starttls", body)
		code, out, errs := runCLI(t, testGetenv(env), "run", "--golden", filepath.Join(dir, "golden"), "--format", "json", "--update", spec)
		var rep report.JSONReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Sites) != 1 {
			t.Fatalf("run exit %d: %v\n%s\n%s", code, err, out, errs)
		}
		return rep.Sites[0]
	}
	envelope := func(from, to string) string {
		return "  envelope {\n    from = \"" + from + "\"\n    to   = [\"" + to + "\"]\n  }\n"
	}
	t.Run("direct send to the user's domain", func(t *testing.T) {
		dir := t.TempDir()
		ca := filepath.Join(dir, "ca.pem")
		addr, stdout, _ := startSimCLI(t, "sim", "--scenario", "directsend-ok", "--domain", "Example.ORG", "--ca-out", ca)
		for _, want := range []string{"tenant domain example.org", `ca_file = "` + ca + `"`} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("sim output lacks %q:\n%s", want, stdout)
			}
		}
		if s := runJSON(t, dir, "directsend-ok", "direct_send", addr, ca, envelope("scanner@example.org", "frontdesk@example.org"), nil); s.Status != "pass" || s.Verdict.Category != "ok" {
			t.Errorf("own domain: %s %s (%s)", s.Status, s.Verdict.Category, s.Verdict.Summary)
		}
		s := runJSON(t, t.TempDir(), "directsend-ok", "direct_send", addr, ca, envelope("scanner@example.org", "frontdesk@contoso.com"), nil)
		if s.Verdict.Stage != "rcpt" || s.Verdict.Code != 550 {
			t.Errorf("contoso.com recipient on the example.org tenant: %s at %s %d (%s)", s.Verdict.Category, s.Verdict.Stage, s.Verdict.Code, s.Verdict.Summary)
		}
	})
	t.Run("certificate connector", func(t *testing.T) {
		dir := t.TempDir()
		ca, cert, key := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "mfp.pem"), filepath.Join(dir, "mfp.key")
		addr, stdout, _ := startSimCLI(t, "sim", "--scenario", "relay-certificate", "--domain", "example.org", "--ca-out", ca,
			"--client-cert-out", cert, "--client-key-out", key)
		if cn := parseCertFile(t, cert).Subject.CommonName; cn != "relay.example.org" || !strings.Contains(stdout.String(), "relay.example.org") {
			t.Errorf("certificate CN %q, want relay.example.org:\n%s", cn, stdout)
		}
		keyPEM, err := os.ReadFile(key)
		if err != nil {
			t.Fatal(err)
		}
		body := "  client {\n    certificate = file(\"mfp.pem\")\n    key         = env(\"MFP_KEY\")\n  }\n" + envelope("warehouse@example.org", "orders@fabrikam.com")
		if s := runJSON(t, dir, "relay-certificate", "relay", addr, ca, body, map[string]string{"MFP_KEY": string(keyPEM)}); s.Verdict.Category != "ok" {
			t.Errorf("relay with relay.example.org: %s (%s)", s.Verdict.Category, s.Verdict.Summary)
		}
	})
	for _, bad := range []string{"localhost", "example..org", "user@example.org"} {
		code, _, errs := runCLI(t, testGetenv(nil), "sim", "--scenario", "directsend-ok", "--domain", bad, "--listen", "127.0.0.1:0")
		if code != exitUsage || !strings.Contains(errs, "not a mail domain") {
			t.Errorf("--domain %q: exit %d, %q", bad, code, errs)
		}
	}
}
