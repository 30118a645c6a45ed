package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHELOGreeting: a spec with client.greeting = "HELO" is probed as
// such a device talks (HELO, then MAIL FROM in plain text: no STARTTLS,
// no AUTH) and the verdict names the greeting, not the server, with the
// device setting to change. Through the real CLI path against the
// simulator.
func TestHELOGreeting(t *testing.T) {
	cases := []struct {
		name, body string
		status     string
	}{
		{"undocumented", loginAuth + heloClient, "fail"},
		{"documented", loginAuth + heloClient + "  expect \"mail\" {\n    code     = 451\n    enhanced = \"5.7.3\"\n  }\n", "pass"},
		{"lower-case", loginAuth + strings.Replace(heloClient, "HELO", "helo", 1), "fail"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			addr, ca := startScenario(t, "submission-helo-only")
			spec := writeSpec(t, dir, "submission-helo-only", "submission", addr, ca, "starttls", tc.body)
			s := runSpec(t, dir, spec)
			checkVerdict(t, s, "config", "mail",
				[]string{"greets with HELO", "never sees AUTH or STARTTLS", "451 5.7.3"}, []string{"EHLO/ESMTP"})
			if strings.Contains(s.Verdict.Summary, "connection is not acceptance") || s.Verdict.Step != 3 {
				t.Errorf("step %d, summary %q: want step 3, the device's setup and not the server's acceptance", s.Verdict.Step, s.Verdict.Summary)
			}
			if s.Status != tc.status {
				t.Errorf("status %s, want %s", s.Status, tc.status)
			}
			var stages []string
			for _, st := range s.Stages {
				stages = append(stages, string(st.Name))
			}
			for _, never := range []string{"starttls", "tls", "ehlo_tls", "auth"} {
				if slices.Contains(stages, never) {
					t.Errorf("stage %s in a HELO probe: %v", never, stages)
				}
			}
			g := mustRead(t, filepath.Join(dir, "golden", "submission-helo-only.golden"))
			if !strings.Contains(g, "C: HELO ") || strings.Contains(g, "EHLO") || strings.Contains(g, "AUTH") {
				t.Errorf("golden is not a HELO session:\n%s", g)
			}
		})
	}
}

// TestHELOGreetingValidate: validate rejects a greeting other than EHLO or
// HELO, and an expectation for a stage a HELO device never reaches.
func TestHELOGreetingValidate(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"bad-value", "  client {\n    greeting = \"ESMTP\"\n  }\n", `"ESMTP" is not a valid greeting`},
		{"expects-auth", heloClient + "  expect \"auth\" {\n    code = 235\n  }\n", `never reaches "auth": client.greeting is "HELO"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			spec := filepath.Join(dir, "s.hcl")
			src := "site \"old-mfp\" {\n  method = \"submission\"\n  endpoint {\n    host = \"smtp.example.net\"\n  }\n" + loginAuth + tc.body +
				"  envelope {\n    from = \"scanner@contoso.com\"\n    to   = [\"frontdesk@contoso.com\"]\n  }\n}\n"
			if err := os.WriteFile(spec, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errs := runCLI(t, password, "validate", spec)
			flat := strings.Join(strings.Fields(errs), " ")
			if code != exitUsage || !strings.Contains(flat, tc.want) {
				t.Errorf("validate exit %d, want %d with %q:\n%s", code, exitUsage, tc.want, errs)
			}
		})
	}
}
