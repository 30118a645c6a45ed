package main

import (
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testPassword = "Pa55-w0rd!known-to-the-test"
	testToken    = "eyJ0eXAiOiJKV1QiLCJhbGciOi.known-token-value.sig"
	testUser     = "scanner@contoso.com"
)

// secretForms are every spelling of the test secrets that could leak: plain,
// base64 alone, inside AUTH PLAIN and XOAUTH2 blobs, and URL-encoded.
func secretForms() map[string]string {
	b64 := base64.StdEncoding.EncodeToString
	return map[string]string{
		"password":              testPassword,
		"token":                 testToken,
		"password base64":       b64([]byte(testPassword)),
		"token base64":          b64([]byte(testToken)),
		"AUTH PLAIN blob":       b64([]byte("\x00" + testUser + "\x00" + testPassword)),
		"XOAUTH2 blob":          b64([]byte("user=" + testUser + "\x01auth=Bearer " + testToken + "\x01\x01")),
		"password url-encoded":  url.QueryEscape(testPassword),
		"token without padding": base64.RawStdEncoding.EncodeToString([]byte(testToken)),
	}
}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	for name, form := range secretForms() {
		if strings.Contains(text, form) {
			t.Errorf("%s leaks the %s", where, name)
		}
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	auths := map[string]string{
		"login":   "  auth {\n    mechanism = \"LOGIN\"\n    username = \"" + testUser + "\"\n    password = env(\"P\")\n  }\n",
		"plain":   "  auth {\n    mechanism = \"PLAIN\"\n    username = \"" + testUser + "\"\n    password = env(\"P\")\n  }\n",
		"xoauth2": "  auth {\n    mechanism = \"XOAUTH2\"\n    username = \"" + testUser + "\"\n    token = env(\"T\")\n  }\n",
	}
	getenv := testGetenv(map[string]string{"P": testPassword, "T": testToken})
	for _, scenario := range []string{"submission-ok", "submission-bad-credentials", "submission-no-starttls-auth"} {
		for mech, body := range auths {
			t.Run(scenario+"/"+mech, func(t *testing.T) {
				dir := t.TempDir()
				addr, ca := startScenario(t, scenario)
				tlsMode := "starttls"
				if scenario == "submission-no-starttls-auth" {
					tlsMode = "none"
				}
				spec := writeSpec(t, dir, scenario, "submission", addr, ca, tlsMode, body)
				gdir := filepath.Join(dir, "golden")
				for _, args := range [][]string{
					{"run", "--golden", gdir, "--update", "-v", spec},
					{"run", "--golden", gdir, "--format", "json", spec},
					{"run", "--golden", gdir, "-v", spec},
				} {
					_, out, errs := runCLI(t, getenv, args...)
					assertNoSecret(t, strings.Join(args[:len(args)-1], " ")+" stdout", out)
					assertNoSecret(t, strings.Join(args[:len(args)-1], " ")+" stderr", errs)
				}
				g := mustRead(t, filepath.Join(gdir, scenario+".golden"))
				assertNoSecret(t, "golden", g)
				// A payload was sent when LOGIN got its prompt, or with the
				// initial response of PLAIN/XOAUTH2.
				sentPayload := mech != "login" || strings.Contains(g, "S: 334 ")
				if sentPayload && !strings.Contains(g, "<redacted>") {
					t.Errorf("golden shows no redacted AUTH payload:\n%s", g)
				}
			})
		}
	}
}

// TestSecretsNotInDiagnostics: a spec with errors, whose secrets are set,
// prints diagnostics that never show the secret values.
func TestSecretsNotInDiagnostics(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "bad.hcl")
	os.WriteFile(spec, []byte(`site "x" {
  method = "submision"
  endpoint { host = "smtp.office365.com" }
  auth {
    username = "`+testUser+`"
    password = env("P")
    pasword = env("P")
  }
  envelope {
    from = "`+testUser+`"
    to = ["a@contoso.com"]
  }
}
`), 0o644)
	getenv := testGetenv(map[string]string{"P": testPassword})
	for _, cmd := range []string{"validate", "run"} {
		code, out, errs := runCLI(t, getenv, cmd, spec)
		if code != exitUsage {
			t.Errorf("%s exit = %d, want %d", cmd, code, exitUsage)
		}
		if !strings.Contains(errs, "bad.hcl line 2") {
			t.Errorf("%s: diagnostics lack file:line:\n%s", cmd, errs)
		}
		assertNoSecret(t, cmd+" stdout", out)
		assertNoSecret(t, cmd+" stderr", errs)
	}
}
