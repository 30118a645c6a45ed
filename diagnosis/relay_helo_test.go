package diagnosis

import (
	"slices"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
	"github.com/smtpspec/smtpspec/transcript/sessiontest"
)

// TestRelayRefusal: a refusal to relay reads as policy whichever server
// words it, at RCPT and in a bare reply; an unknown mailbox stays a
// recipient problem, and Microsoft's own relay replies keep their catalog
// rows.
func TestRelayRefusal(t *testing.T) {
	postfixPlan := transcript.Plan{Method: transcript.Submission, TLS: transcript.StartTLS}
	cases := []struct {
		name, reply string
		t           func(string) *transcript.Transcript
		category    catalog.Category
		rule        string
	}{
		{"postfix", "554 5.7.1 <orders@fabrikam.example>: Relay access denied", atRcpt(postfixPlan), catalog.Policy, "relay-refused"},
		{"postfix-soft", "454 4.7.1 <orders@fabrikam.example>: Relay access denied", atRcpt(postfixPlan), catalog.Policy, "relay-refused"},
		{"sendmail", "550 5.7.1 <orders@fabrikam.example>... Relaying denied. Proper authentication required.", atRcpt(postfixPlan), catalog.Policy, "relay-refused"},
		{"exim", "550 relay not permitted", atRcpt(postfixPlan), catalog.Policy, "relay-refused"},
		{"qmail", "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", atRcpt(postfixPlan), catalog.Policy, "relay-refused"},
		{"exchange-onprem", "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain", atRcpt(postfixPlan), catalog.Policy, "relay-refused"},
		{"bare-reply", "554 Relay access denied", unstaged, catalog.Policy, "relay-refused"},
		{"m365-tenant-attribution", "550 5.7.64 TenantAttribution; Relay Access Denied [X]", atRcpt(sessiontest.DirectPlan), catalog.Policy, "catalog:tenant-attribution"},
		{"m365-direct-send-external", "550 5.4.1 Relay Access Denied [X]", atRcpt(sessiontest.DirectPlan), catalog.Policy, "catalog:relay-access-denied"},
		{"unknown-mailbox", "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in local recipient table", atRcpt(postfixPlan), catalog.Recipient, "rcpt-refused"},
		{"relay-host-word", "550 5.1.1 <relay@example.test>: Recipient address rejected: User unknown", atRcpt(postfixPlan), catalog.Recipient, "rcpt-refused"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := Diagnose(tc.t(tc.reply), postfix)
			if v.Category != tc.category || v.Rule != tc.rule {
				t.Errorf("%s by %s, want %s by %s: %s", v.Category, v.Rule, tc.category, tc.rule, v.Summary())
			}
			if tc.rule == "relay-refused" && (!strings.Contains(v.Summary(), "not an unknown mailbox") || !strings.Contains(v.Next, "authenticate")) {
				t.Errorf("summary %q / next %q do not say relay policy and what to change", v.Summary(), v.Next)
			}
		})
	}
}

func atRcpt(p transcript.Plan) func(string) *transcript.Transcript {
	return func(reply string) *transcript.Transcript {
		return sessiontest.Session(p, sessiontest.At(transcript.Rcpt, reply))
	}
}

// heloSession is a probe of a HELO device (client.greeting): the runner
// records the HELO line and no capabilities.
func heloSession(plan transcript.Plan, failed transcript.StageResult) *transcript.Transcript {
	plan.HELO = true
	return saidHELOFirst(sessiontest.Session(plan, failed))
}

// saidHELOFirst makes t's greeting HELO, as in a capture (smtpspec explain)
// of a device that greets with HELO and then tries AUTH anyway.
func saidHELOFirst(t *transcript.Transcript) *transcript.Transcript {
	t.Capabilities, t.CapabilitiesTLS = nil, nil
	t.Lines = append([]transcript.Line{{Dir: transcript.Client, Stage: transcript.EHLO, Text: "HELO old-mfp.contoso.local"}}, t.Lines...)
	return t
}

// TestHELOOnly: a HELO device's refusal at MAIL FROM (or AUTH, for one
// that tries anyway) is explained by the greeting, with the device
// setting to change; refusals HELO does not explain keep their rules.
func TestHELOOnly(t *testing.T) {
	sub := transcript.Plan{Method: transcript.Submission, TLS: transcript.StartTLS, Auth: true}
	cases := []struct {
		name     string
		t        *transcript.Transcript
		in       Input
		category catalog.Category
		rule     string
	}{
		{"m365-starttls-required", heloSession(sub, sessiontest.At(transcript.Mail, "451 5.7.3 STARTTLS is required to send mail [X]")), subIn, catalog.Config, "helo-only"},
		{"m365-not-authenticated", heloSession(sub, sessiontest.At(transcript.Mail, "530 5.7.57 Client not authenticated to send mail. [X]")), subIn, catalog.Config, "helo-only"},
		{"postfix-auth-required", heloSession(sub, sessiontest.At(transcript.Mail, "530 5.7.0 Must issue a STARTTLS command first")), postfix, catalog.Config, "helo-only"},
		{"tries-auth", saidHELOFirst(sessiontest.Session(transcript.Plan{Method: transcript.Submission, TLS: transcript.NoTLS, Auth: true}, sessiontest.At(transcript.Auth, "503 5.5.1 Error: authentication not enabled"))), postfix, catalog.Config, "helo-only"},
		{"recipient-after-helo", heloSession(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "550 5.1.1 User unknown")), directIn, catalog.Recipient, "rcpt-refused"},
		{"ehlo-device", sessiontest.Session(sub, sessiontest.At(transcript.Mail, "530 5.7.57 Client not authenticated to send mail. [X]")), subIn, catalog.AuthCat, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := Diagnose(tc.t, tc.in)
			if v.Category != tc.category || (tc.rule != "" && v.Rule != tc.rule) {
				t.Errorf("%s by %s, want %s by %s: %s", v.Category, v.Rule, tc.category, tc.rule, v.Summary())
			}
			if tc.rule != "helo-only" {
				return
			}
			for _, want := range []string{"greets with HELO", "never sees AUTH or STARTTLS"} {
				if !strings.Contains(v.Summary(), want) {
					t.Errorf("summary lacks %q: %s", want, v.Summary())
				}
			}
			if !strings.Contains(v.Next, "EHLO/ESMTP") || v.Step != 3 || strings.Contains(v.Summary(), "connection is not acceptance") {
				t.Errorf("step %d, next %q, summary %q", v.Step, v.Next, v.Summary())
			}
		})
	}
}

// TestHELOPlan: a HELO device runs no STARTTLS, TLS, second EHLO or AUTH.
func TestHELOPlan(t *testing.T) {
	for _, tlsMode := range transcript.TLSModes {
		seq := transcript.Sequence(transcript.Plan{Method: transcript.Submission, TLS: tlsMode, Auth: true, HELO: true})
		for _, never := range []transcript.Stage{transcript.STARTTLS, transcript.EHLOTLS, transcript.Auth} {
			if slices.Contains(seq, never) {
				t.Errorf("tls %s: %s in %v", tlsMode, never, seq)
			}
		}
		if !slices.Contains(seq, transcript.EHLO) || !slices.Contains(seq, transcript.Mail) {
			t.Errorf("tls %s: %v lacks the greeting or MAIL", tlsMode, seq)
		}
	}
}
