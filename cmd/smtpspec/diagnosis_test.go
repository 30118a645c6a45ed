package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/explain"
	"github.com/smtpspec/smtpspec/report"
)

// The cross-stage inferences of the diagnosis (issue 3), each through the
// real CLI path against the simulator.

var password = testGetenv(map[string]string{"SCANNER_PASSWORD": "correct horse battery", "CONTROL_PASSWORD": "another horse battery"})

// runSite writes a spec for scenario and runs it, returning the site's
// JSON report entry.
func runSite(t *testing.T, scenario, method, tlsMode, body string) report.JSONSite {
	t.Helper()
	dir := t.TempDir()
	addr, ca := startScenario(t, scenario)
	spec := writeSpec(t, dir, scenario, method, addr, ca, tlsMode, body)
	return runSpec(t, dir, spec)
}

func runSpec(t *testing.T, dir, spec string) report.JSONSite {
	t.Helper()
	code, out, errs := runCLI(t, password, "run", "--golden", filepath.Join(dir, "golden"), "--format", "json", "--update", spec)
	var rep report.JSONReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Sites) != 1 {
		t.Fatalf("exit %d, stdout not a one-site JSON report: %v\n%s\nstderr:\n%s", code, err, out, errs)
	}
	return rep.Sites[0]
}

func TestCrossStageInferences(t *testing.T) {
	cases := []struct {
		name, scenario, method, tls, body string
		category, stage                   string
		summary, next                     []string
	}{
		// TLS completed and a later stage failed: MTU is ruled out.
		{"tls-rules-out-mtu", "banned-ip", "direct_send", "starttls", "", "reputation", "rcpt",
			[]string{"TLS completed, so MTU/fragmentation is ruled out"}, nil},
		// Connect and EHLO succeeded, RCPT TO refused: name which kind.
		{"not-acceptance-reputation", "banned-ip", "direct_send", "starttls", "", "reputation", "rcpt",
			[]string{"connection is not acceptance", "for the site's IP (reputation)"}, []string{"sender.office.com"}},
		{"not-acceptance-recipient", "recipient-unknown", "direct_send", "starttls", "", "recipient", "rcpt",
			[]string{"connection is not acceptance", "for this recipient"}, nil},
		{"not-acceptance-policy", "directsend-rejected", "direct_send", "starttls", "", "policy", "rcpt",
			[]string{"connection is not acceptance", "tenant's policy"}, []string{"connector"}},
		// Firewall SMTP inspection: masked banner, XXXXXXXA, missing STARTTLS.
		{"masked-banner", "firewall-inspection", "direct_send", "starttls", "", "firewall", "banner",
			[]string{"banner is masked"}, []string{"do not disable the firewall's security wholesale"}},
		{"starttls-stripped", "starttls-stripped", "direct_send", "starttls", "", "firewall", "ehlo",
			[]string{"always offers STARTTLS", "lacks it"}, []string{"do not disable the firewall's security wholesale"}},
		// A stall after a clean banner: inspection or MTU, and the check that separates them.
		{"ehlo-stall", "ehlo-stall", "direct_send", "starttls", "", "firewall", "ehlo",
			[]string{"MTU"}, []string{"separate inspection from MTU", "small command"}},
		{"tls-stall", "tls-stall", "direct_send", "starttls", "", "firewall", "tls",
			[]string{"MTU"}, []string{"separate inspection from MTU", "small command"}},
		// AUTH PLAIN refused with 504 5.7.4; AUTH before STARTTLS.
		{"auth-plain", "submission-ok", "submission", "starttls",
			"  client {\n    auth_mechanisms = [\"PLAIN\"]\n  }\n" + strings.Replace(loginAuth, `"LOGIN"`, `"PLAIN"`, 1),
			"auth", "auth", []string{"only LOGIN and XOAUTH2"}, []string{"AUTH LOGIN"}},
		{"auth-before-starttls", "submission-no-starttls-auth", "submission", "none", loginAuth, "tls", "auth",
			[]string{"before STARTTLS"}, []string{"enable STARTTLS"}},
		// Basic authentication: each reply its own finding and setting.
		{"tenant-disabled", "submission-auth-disabled", "submission", "starttls", loginAuth, "auth", "auth",
			[]string{"disabled for the tenant"}, []string{"Set-CASMailbox", "December 2026"}},
		{"basic-disabled", "submission-basic-auth-disabled", "submission", "starttls", loginAuth, "auth", "auth",
			[]string{"basic authentication (a password) is blocked", "December 2026"}, []string{"OAuth", "High Volume Email", "Azure Communication Services", "relay connector"}},
		{"wrong-credentials", "submission-bad-credentials", "submission", "starttls", loginAuth, "auth", "auth",
			[]string{"username or password is wrong"}, []string{"UPN"}},
		{"signin-policy", "submission-signin-blocked", "submission", "starttls", loginAuth, "auth", "auth",
			[]string{"likely a Conditional Access"}, []string{"sign-in logs"}},
		{"basic-retired", "submission-basic-auth-retired", "submission", "starttls", loginAuth, "auth", "auth",
			[]string{"turned off for this tenant", "December 2026"}, []string{"OAuth", "High Volume Email", "Azure Communication Services"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := runSite(t, tc.scenario, tc.method, tc.tls, tc.body)
			checkVerdict(t, s, tc.category, tc.stage, tc.summary, tc.next)
		})
	}
}

func checkVerdict(t *testing.T, s report.JSONSite, category, stage string, summary, next []string) {
	t.Helper()
	v := s.Verdict
	if string(v.Category) != category || string(v.Stage) != stage {
		t.Errorf("verdict = %s at %q, want %s at %q\n%s", v.Category, v.Stage, category, stage, v.Summary)
	}
	for _, p := range summary {
		if !strings.Contains(v.Summary, p) {
			t.Errorf("summary lacks %q:\n%s", p, v.Summary)
		}
	}
	for _, p := range next {
		if !strings.Contains(v.Next, p) {
			t.Errorf("next lacks %q:\n%s", p, v.Next)
		}
	}
}

// TestConfigVerdictBeforeProbe: a device configured with the wrong
// method for its Microsoft 365 endpoint gets a config verdict from run
// without a single packet, and validate warns about it. No simulator: the
// rules judge Microsoft's endpoints only, and nothing is probed.
func TestConfigVerdictBeforeProbe(t *testing.T) {
	// Microsoft endpoints by name: validate must warn first (it never
	// touches the network), so run cannot reach DNS if the check regressed.
	cases := []struct{ name, method, endpoint, body, want string }{
		{"auth-for-direct-send", "direct_send", `mx_domain = "contoso.com"`, loginAuth, "Direct Send is anonymous"},
		{"no-auth-for-submission", "submission", `host = "smtp.office365.com"`, "", "SMTP AUTH submission needs credentials"},
		{"office365-for-direct-send", "direct_send", `host = "smtp.office365.com"`, "", "not to the submission endpoint"},
		{"mx-for-submission", "submission", `host = "contoso-com.mail.protection.outlook.com"` + "\n    port = 587", loginAuth, "the tenant's MX offers no AUTH"},
		{"port-465", "submission", `host = "smtp.office365.com"` + "\n    port = 465", loginAuth, "port 465"},
		{"ip-address", "direct_send", `host = "52.101.41.22"`, "", "IP address"},
		{"helo-for-submission", "submission", `host = "smtp.office365.com"`, loginAuth + heloClient, "greets with HELO"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			spec := filepath.Join(dir, tc.name+".hcl")
			src := fmt.Sprintf("site %q {\n  method = %q\n  endpoint {\n    %s\n  }\n%s  envelope {\n    from = \"scanner@contoso.com\"\n    to   = [\"frontdesk@contoso.com\"]\n  }\n}\n",
				tc.name, tc.method, tc.endpoint, tc.body)
			if err := os.WriteFile(spec, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, warn := runCLI(t, password, "validate", spec)
			warn = strings.Join(strings.Fields(warn), " ") // the diagnostic writer wraps lines
			if code != 0 || !strings.Contains(warn, tc.want) || !strings.Contains(warn, "Warning") {
				t.Fatalf("validate exit %d, does not warn %q:\n%s", code, tc.want, warn)
			}
			s := runSpec(t, dir, spec)
			checkVerdict(t, s, "config", "", []string{tc.want, "not probed"}, nil)
			if s.Status != "fail" || s.Verdict.Step != 1 {
				t.Errorf("status %s step %d, want fail at step 1", s.Status, s.Verdict.Step)
			}
			for _, st := range s.Stages {
				if st.Status != "skip" {
					t.Errorf("stage %s %s: nothing may be probed", st.Name, st.Status)
				}
			}
		})
	}
}

// TestHELOOnlyDevice: a device that greets with HELO never sees AUTH. The
// session is captured from the simulator by hand, the way a HELO device
// talks, and explained through the CLI (the probe itself says HELO with
// client.greeting: helo_test.go).
func TestHELOOnlyDevice(t *testing.T) {
	addr, _ := startScenario(t, "submission-ok")
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	var log strings.Builder
	readReply := func() {
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("reading the simulator: %v", err)
			}
			l = strings.TrimRight(l, "\r\n")
			log.WriteString("S: " + l + "\n")
			if len(l) < 4 || l[3] != '-' {
				return
			}
		}
	}
	readReply()
	for _, cmd := range []string{"HELO printer", "MAIL FROM:<scanner@contoso.com>", "QUIT"} {
		fmt.Fprintf(c, "%s\r\n", cmd)
		log.WriteString("C: " + cmd + "\n")
		readReply()
	}
	var out strings.Builder
	code := run(t.Context(), []string{"explain", "--format", "json", "--transcript", "-"}, password, strings.NewReader(log.String()), &out, &out)
	var res explain.JSONResult
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil || code != 0 {
		t.Fatalf("exit %d: %v\n%s\ncapture:\n%s", code, err, out.String(), log.String())
	}
	v := res.Verdict
	if v.Category != "config" || v.Stage != "mail" || !strings.Contains(v.Summary, "greets with HELO") || !strings.Contains(v.Next, "EHLO") {
		t.Errorf("verdict = %s at %q: %s\nnext: %s\ncapture:\n%s", v.Category, v.Stage, v.Summary, v.Next, log.String())
	}
}

// TestControlProbe: the control (submission on 587) decides which side
// of the failure the problem is on, and has its own golden.
func TestControlProbe(t *testing.T) {
	control := func(addr, ca string) string {
		host, port, _ := net.SplitHostPort(addr)
		return fmt.Sprintf(`  control {
    endpoint {
      host        = %q
      port        = %s
      server_name = "localhost"
      ca_file     = %q
    }
    auth {
      username = "control@contoso.com"
      password = env("CONTROL_PASSWORD")
    }
  }
`, host, port, ca)
	}
	cases := []struct {
		name, primary, ctl, method, body string
		category, stage                  string
		summary                          []string
	}{
		// The simulator listens on a loopback port, not 25: the port-25
		// note would blame a port the site does not use.
		{"port25-fails-control-passes", "banned-ip", "submission-ok", "direct_send", "", "reputation", "rcpt",
			[]string{"the control (submission on 587) passed", "the problem is specific to this path"}},
		{"recipient-refused-control-passes", "recipient-unknown", "submission-ok", "direct_send", "", "recipient", "rcpt",
			[]string{"rules out the network and the tenant's SMTP service", "specific to this path (the recipient"}},
		{"both-fail-at-auth", "submission-auth-disabled", "submission-auth-disabled", "submission", loginAuth, "auth", "auth",
			[]string{"the tenant's settings are the likely cause"}},
		{"auth-fails-control-passes", "submission-bad-credentials", "submission-ok", "submission", loginAuth, "auth", "auth",
			[]string{"this mailbox's settings or credentials, not the tenant"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			addr, ca := startScenario(t, tc.primary)
			caddr, cca := startScenario(t, tc.ctl)
			spec := writeSpec(t, dir, tc.name, tc.method, addr, ca, "starttls", tc.body+control(caddr, cca))
			s := runSpec(t, dir, spec)
			checkVerdict(t, s, tc.category, tc.stage, tc.summary, nil)
			if v := s.Verdict.Summary + s.Verdict.Next; strings.Contains(v, "almost certainly") || strings.Contains(v, "meanwhile") {
				t.Errorf("port-25 advice for a site not on port 25: %s\nnext: %s", s.Verdict.Summary, s.Verdict.Next)
			}
			if s.Control == nil || len(s.Control.Stages) == 0 || s.Control.Name != tc.name+".control" {
				t.Fatalf("the JSON report lacks the control's stages: %+v", s.Control)
			}
			g := mustRead(t, filepath.Join(dir, "golden", tc.name+".control.golden"))
			if !strings.Contains(g, "= auth ") || strings.Contains(g, "another horse") {
				t.Errorf("control golden:\n%s", g)
			}
			_, human, _ := runCLI(t, password, "run", "--golden", filepath.Join(dir, "golden"), "--explain", spec)
			if !strings.Contains(human, "control:") || !strings.Contains(human, "8. Submission on 587 as a control") {
				t.Errorf("human report lacks the control or the checklist:\n%s", human)
			}
		})
	}
}

// TestChecklistMarkdown: --format markdown gives every site the ten
// checklist steps and its transcript, ready for a ticket.
func TestChecklistMarkdown(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "banned-ip")
	spec := writeSpec(t, dir, "banned-ip", "direct_send", addr, ca, "starttls", "")
	_, out, errs := runCLI(t, password, "run", "--golden", filepath.Join(dir, "golden"), "--update", "--format", "markdown", spec)
	for _, want := range []string{
		"## Checklist: banned-ip", "| 1 | Identify the sending method | passed |",
		"| 4 | STARTTLS handshake and second EHLO | passed |", "| 5 | Full envelope: MAIL FROM and RCPT TO | failed |",
		"| 6 | Message trace | not applicable |", "| 7 | IP reputation (port-25 methods) | failed |",
		"| 9 | Authentication settings | not applicable |", "| 10 | Record the errors and transcripts before changing anything | passed |",
		"S: 550 5.7.606",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s\n%s", want, out, errs)
		}
	}
}

// TestExplainCLI: explain reads every fixture format through the CLI,
// prints the verdict object of the run JSON report, and refuses input it
// cannot read.
func TestExplainCLI(t *testing.T) {
	files, _ := filepath.Glob("../../explain/testdata/*.txt")
	if len(files) < 7 {
		t.Fatalf("fixtures missing: %v", files)
	}
	for _, f := range files {
		code, out, errs := runCLI(t, password, "explain", "--format", "json", "--transcript", f)
		if strings.HasSuffix(f, "unparseable.txt") {
			if code != exitUsage || !strings.Contains(errs, "no SMTP conversation recognised") {
				t.Errorf("%s: exit %d, stderr %q", f, code, errs)
			}
			continue
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
			t.Fatalf("%s: exit %d: %v\n%s", f, code, err, errs)
		}
		var v map[string]any
		json.Unmarshal(doc["verdict"], &v)
		for _, k := range []string{"category", "stage", "code", "enhanced", "summary", "step", "next"} {
			if _, ok := v[k]; !ok {
				t.Errorf("%s: verdict lacks %q: %s", f, k, doc["verdict"])
			}
		}
		// The run report's seven fields, and explain's own about how it
		// knows them (explain/render.go JSONVerdict); nothing else.
		for k := range v {
			switch k {
			case "category", "stage", "code", "enhanced", "summary", "step", "next",
				"stage_basis", "stage_from", "method", "method_basis", "method_from", "evidence", "learn_more":
			default:
				t.Errorf("%s: verdict has an undocumented field %q", f, k)
			}
		}
		if doc["stages"] == nil || doc["evidence_found"] == nil {
			t.Errorf("%s: stages or evidence_found missing: %s", f, out)
		}
	}
	code, out, _ := runCLI(t, password, "explain", "550 5.7.606 Access denied, banned sending IP [203.0.113.7].")
	if code != 0 || !strings.Contains(out, "reputation at rcpt (step 7)") || !strings.Contains(out, "sender.office.com") {
		t.Errorf("explain REPLY: exit %d\n%s", code, out)
	}
}
