package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
)

// startScenario serves scenario on loopback for the test and returns its
// address and a file holding the CA that signed its certificate.
func startScenario(t *testing.T, scenario string) (addr string, caFile string) {
	t.Helper()
	srv, a := simtest.Start(t, scenario, sim.Options{})
	caFile = filepath.Join(t.TempDir(), "sim-ca.pem")
	if err := os.WriteFile(caFile, srv.CA().CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return a.String(), caFile
}

func writeSpec(t *testing.T, dir, scenario, method, addr, caFile, tlsMode, body string) string {
	t.Helper()
	p := filepath.Join(dir, scenario+".hcl")
	if err := os.WriteFile(p, []byte(siteSpec(scenario, method, addr, caFile, tlsMode, body)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// siteSpec is the site block writeSpec writes: a site named name against
// the simulator at addr.
func siteSpec(name, method, addr, caFile, tlsMode, body string) string {
	host, port, _ := net.SplitHostPort(addr)
	envelope := "  envelope {\n    from = \"scanner@contoso.com\"\n    to   = [\"frontdesk@contoso.com\"]\n  }\n"
	if strings.Contains(body, "envelope {") {
		envelope = "" // the case brings its own
	}
	return fmt.Sprintf(`site %q {
  method = %q
  endpoint {
    host        = %q
    port        = %s
    tls         = %q
    server_name = "localhost"
    ca_file     = %q
  }
%s  timeouts {
    connect = "2s"
    command = "1s"
    total   = "10s"
  }
%s}
`, name, method, host, port, tlsMode, caFile, envelope, body)
}

const loginAuth = `  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("SCANNER_PASSWORD")
  }
`

// heloClient is a device that greets with HELO (specs client.greeting).
const heloClient = "  client {\n    greeting = \"HELO\"\n  }\n"

// scenarioCases is the scenario table: every simulator scenario, the spec a
// device of that kind would have, and the verdict it must produce.
var scenarioCases = []struct {
	scenario, method, tls, body string
	category, stage             string
}{
	{"submission-ok", "submission", "starttls", loginAuth, "ok", ""},
	{"submission-auth-disabled", "submission", "starttls", loginAuth, "auth", "auth"},
	{"submission-basic-auth-retired", "submission", "starttls", loginAuth, "auth", "auth"},
	{"submission-bad-credentials", "submission", "starttls", loginAuth, "auth", "auth"},
	{"submission-no-starttls-auth", "submission", "none", loginAuth, "tls", "auth"},
	{"submission-helo-only", "submission", "starttls", loginAuth + heloClient, "config", "mail"},
	{"submission-sendas-denied", "submission", "starttls", loginAuth + "  envelope {\n    from = \"someone.else@contoso.com\"\n    to = [\"frontdesk@contoso.com\"]\n    send_message = true\n  }\n", "policy", "data"},
	{"submission-sendas-denied-252", "submission", "starttls", loginAuth + "  envelope {\n    from = \"someone.else@contoso.com\"\n    to = [\"frontdesk@contoso.com\"]\n    send_message = true\n  }\n", "policy", "data"},
	{"directsend-ok", "direct_send", "starttls", "", "ok", ""},
	{"directsend-mx-microsoft", "direct_send", "starttls", "", "ok", ""},
	{"directsend-rejected", "direct_send", "starttls", "", "policy", "rcpt"},
	{"relay-tenant-attribution", "relay", "starttls", "  envelope {\n    from = \"scanner@contoso.com\"\n    to = [\"orders@fabrikam.com\"]\n  }\n", "policy", "rcpt"},
	// Without a client certificate the certificate connector does not match (with one: runner's TestClientCertificate, the demo).
	{"relay-certificate", "relay", "starttls", "  envelope {\n    from = \"scanner@contoso.com\"\n    to = [\"orders@fabrikam.com\"]\n  }\n", "policy", "rcpt"},
	{"banned-ip", "direct_send", "starttls", "", "reputation", "rcpt"},
	{"recipient-unknown", "direct_send", "starttls", "", "recipient", "rcpt"},
	{"firewall-inspection", "direct_send", "starttls", "", "firewall", "banner"},
	{"legacy-tls-refused", "submission", "starttls", loginAuth + "  client {\n    tls_min = \"1.0\"\n    tls_max = \"1.1\"\n  }\n", "tls", "ehlo_tls"},
	{"ehlo-stall", "direct_send", "starttls", "", "firewall", "ehlo"},
	{"no-banner", "direct_send", "starttls", "", "firewall", "banner"},
	{"relay-ok", "relay", "starttls", "  envelope {\n    from = \"scanner@contoso.com\"\n    to = [\"orders@fabrikam.com\"]\n  }\n", "ok", ""},
	{"service-not-active", "submission", "starttls", loginAuth, "service", "auth"},
	// Submission without auth is a config verdict unless the spec documents it (runner/config.go).
	{"submission-anonymous", "submission", "starttls", "  expect \"mail\" {\n    code = 530\n  }\n", "auth", "mail"},
	{"submission-basic-auth-disabled", "submission", "starttls", loginAuth, "auth", "auth"},
	{"submission-signin-blocked", "submission", "starttls", loginAuth, "auth", "auth"},
	{"starttls-stripped", "direct_send", "starttls", "", "firewall", "ehlo"},
	{"tls-stall", "direct_send", "starttls", "", "firewall", "tls"},
}

// TestScenarioTableIsComplete: a scenario added to the simulator must get a
// row in the scenario table.
func TestScenarioTableIsComplete(t *testing.T) {
	have := map[string]bool{}
	for _, c := range scenarioCases {
		have[c.scenario] = true
	}
	for _, sc := range sim.Scenarios() {
		if !have[sc.Name] {
			t.Errorf("simulator scenario %q has no row in scenarioCases", sc.Name)
		}
	}
}

func testGetenv(vals map[string]string) func(string) string {
	return func(k string) string { return vals[k] }
}

// runCLI runs the real CLI path in-process.
func runCLI(t *testing.T, getenv func(string) string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestScenarioTable(t *testing.T) {
	for _, tc := range scenarioCases {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			addr, ca := startScenario(t, tc.scenario)
			spec := writeSpec(t, dir, tc.scenario, tc.method, addr, ca, tc.tls, tc.body)
			getenv := testGetenv(map[string]string{"SCANNER_PASSWORD": "correct horse battery"})
			code, out, errs := runCLI(t, getenv, "run", "--golden", filepath.Join(dir, "golden"), "--format", "json", "--update", spec)
			var rep report.JSONReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("exit %d, stdout not JSON: %v\n%s\nstderr:\n%s", code, err, out, errs)
			}
			if len(rep.Sites) != 1 {
				t.Fatalf("sites = %d, want 1", len(rep.Sites))
			}
			v := rep.Sites[0].Verdict
			if string(v.Category) != tc.category || string(v.Stage) != tc.stage {
				t.Errorf("verdict = %s at %q (%s), want %s at %q\n%s", v.Category, v.Stage, v.Summary, tc.category, tc.stage,
					mustRead(t, filepath.Join(dir, "golden", tc.scenario+".golden")))
			}
			if v.Category != "ok" && (v.Summary == "" || v.Next == "" || v.Step == 0) {
				t.Errorf("verdict lacks summary/next/step: %+v", v)
			}
		})
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// sendMessage is an envelope that sends the test message, so the end of
// DATA (InternalId, Hostname, size, time and rate) reaches the golden.
const sendMessage = "  envelope {\n    from = \"scanner@contoso.com\"\n    to = [\"frontdesk@contoso.com\"]\n    send_message = true\n  }\n"

// determinismCases are every row of the scenario table, and the working
// scenarios again with a message sent.
func determinismCases() []struct{ name, scenario, method, tls, body string } {
	var out []struct{ name, scenario, method, tls, body string }
	for _, c := range scenarioCases {
		out = append(out, struct{ name, scenario, method, tls, body string }{c.scenario, c.scenario, c.method, c.tls, c.body})
	}
	for _, c := range []struct{ scenario, method, body string }{
		{"submission-ok", "submission", loginAuth + sendMessage},
		{"directsend-ok", "direct_send", sendMessage},
		{"directsend-mx-microsoft", "direct_send", sendMessage},
		{"relay-ok", "relay", "  envelope {\n    from = \"scanner@contoso.com\"\n    to = [\"orders@fabrikam.com\"]\n    send_message = true\n  }\n"},
	} {
		out = append(out, struct{ name, scenario, method, tls, body string }{c.scenario + "-message", c.scenario, c.method, "starttls", c.body})
	}
	return out
}

// TestGoldenDeterminism: two runs against the same scenario give
// byte-identical goldens, for every scenario and for the working ones
// with a message sent, although the simulator changes host names, tokens,
// dates, InternalIds, mailbox servers, sizes, rates and store diagnostics
// on every connection and message; the second run matches the first's
// golden.
func TestGoldenDeterminism(t *testing.T) {
	for _, tc := range determinismCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			addr, ca := startScenario(t, tc.scenario)
			spec := writeSpec(t, dir, tc.scenario, tc.method, addr, ca, tc.tls, tc.body)
			getenv := testGetenv(map[string]string{"SCANNER_PASSWORD": "correct horse battery"})
			g1, g2 := filepath.Join(dir, "g1"), filepath.Join(dir, "g2")
			runCLI(t, getenv, "run", "--golden", g1, "--update", spec)
			runCLI(t, getenv, "run", "--golden", g2, "--update", spec)
			a, b := mustRead(t, filepath.Join(g1, tc.scenario+".golden")), mustRead(t, filepath.Join(g2, tc.scenario+".golden"))
			if a != b {
				t.Fatalf("goldens differ between two runs:\n--- run 1\n%s\n--- run 2\n%s", a, b)
			}
			code, out, _ := runCLI(t, getenv, "run", "--golden", g1, "--format", "json", spec)
			var rep report.JSONReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Sites) != 1 {
				t.Fatalf("exit %d, report: %v\n%s", code, err, out)
			}
			if rep.Sites[0].Drift != "" {
				t.Errorf("a third run drifted from the first's golden:\n%s", rep.Sites[0].Drift)
			}
			if strings.HasSuffix(tc.name, "-message") && !strings.Contains(a, "<SIZE> bytes in <TIME>, <RATE> KB/sec Queued mail for delivery") {
				t.Errorf("the golden lacks the end-of-data reply:\n%s", a)
			}
		})
	}
}

// TestExpectedSendAsRefusalPassesRunAfterRun: a site that documents a
// known SendAs refusal (expect "data" { code = 554 }) passes every run,
// golden included, although every refusal carries other store
// diagnostics, and the queued control case likewise.
func TestExpectedSendAsRefusalPassesRunAfterRun(t *testing.T) {
	for _, tc := range []struct{ scenario, expect string }{
		{"submission-sendas-denied", "  expect \"data\" {\n    code = 554\n    enhanced = \"5.2.0\"\n    text = \"SendAsDenied\"\n  }\n"},
		{"submission-sendas-denied-252", "  expect \"data\" {\n    code = 554\n  }\n"},
		{"submission-ok", "  expect \"data\" {\n    code = 250\n    enhanced = \"2.6.0\"\n  }\n"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			addr, ca := startScenario(t, tc.scenario)
			envelope := "  envelope {\n    from = \"reception@contoso.com\"\n    to = [\"frontdesk@contoso.com\"]\n    send_message = true\n  }\n"
			spec := writeSpec(t, dir, tc.scenario, "submission", addr, ca, "starttls", loginAuth+envelope+tc.expect)
			getenv := testGetenv(map[string]string{"SCANNER_PASSWORD": "correct horse battery"})
			g := filepath.Join(dir, "golden")
			if code, out, errs := runCLI(t, getenv, "run", "--golden", g, "--update", spec); code != 0 {
				t.Fatalf("recording run: exit %d\n%s\n%s", code, out, errs)
			}
			for i := range 5 {
				code, out, _ := runCLI(t, getenv, "run", "--golden", g, "--format", "json", spec)
				var rep report.JSONReport
				if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Sites) != 1 {
					t.Fatalf("run %d: exit %d, report: %v\n%s", i+2, code, err, out)
				}
				if s := rep.Sites[0]; code != 0 || s.Status != "pass" {
					t.Fatalf("run %d: exit %d, status %s\n%s", i+2, code, s.Status, s.Drift)
				}
			}
		})
	}
}
