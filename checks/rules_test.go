package checks

import (
	"testing"

	"github.com/smtpspec/smtpspec/transcript"
)

// ruleCases reach rules no other table of this package reaches.
var ruleCases = []diagnoseCase{
	{name: "dns-timeout", t: session(submissionPlan, errAt(Resolve, transcript.KindTimeout, "lookup smtp.office365.com: i/o timeout")), in: subIn, category: Network, stage: Resolve},
	{name: "connect-refused-587", t: session(submissionPlan, errAt(Connect, transcript.KindRefused, "connect: connection refused")), in: subIn, category: Network, stage: Connect},
	{name: "connect-other", t: session(submissionPlan, errAt(Connect, transcript.KindReset, "connect: reset")), in: subIn, category: Network, stage: Connect},
	{name: "garbled-in-clear", t: session(directPlan, errAt(EHLO, transcript.KindProtocol, "malformed reply")), in: directIn, category: Firewall, stage: EHLO},
	{name: "garbled-in-tls", t: session(directPlan, errAt(Rcpt, transcript.KindProtocol, "malformed reply")), in: directIn, category: Service, stage: Rcpt},
	{name: "cut-in-tls", t: session(directPlan, errAt(Rcpt, transcript.KindReset, "connection reset by peer")), in: directIn, category: Network, stage: Rcpt},
	{name: "no-answer-in-tls", t: session(directPlan, errAt(Rcpt, transcript.KindTimeout, "no reply to RCPT TO within 30s")), in: directIn, category: Service, stage: Rcpt},
	{name: "ehlo-refused", t: session(directPlan, at(EHLO, "554 5.5.0 Hello refused")), in: directIn, category: Config, stage: EHLO},
	{name: "starttls-refused", t: session(directPlan, at(STARTTLS, "554 5.7.3 TLS not available")), in: directIn, category: TLSCat, stage: STARTTLS},
	{name: "quit-failed", t: session(directPlan, at(Quit, "502 Command not implemented")), in: directIn, category: Service, stage: Quit},
	{name: "connect-timeout-587", t: session(submissionPlan, errAt(Connect, transcript.KindTimeout, "connect: i/o timeout")), in: subIn, category: Network, stage: Connect},
	{name: "cert-unverified", t: session(submissionPlan, errAt(TLS, transcript.KindTLS, "x509: certificate is not standards compliant")), in: subIn, category: TLSCat, stage: TLS},
	{name: "tls-failed", t: session(submissionPlan, errAt(TLS, transcript.KindTLS, "remote error: tls: handshake failure")), in: subIn, category: TLSCat, stage: TLS},
	{name: "unstaged-protocol", t: unstaged("503 5.5.1 Bad sequence of commands"), in: directIn, category: Config, stage: Unstaged},
	{name: "unstaged-refused", t: unstaged("554 Transaction failed"), in: directIn, category: Service, stage: Unstaged},
	{name: "unstaged-address", t: unstaged("550 5.1.1 User unknown"), in: directIn, category: Recipient, stage: Unstaged},
	{name: "unstaged-policy", t: unstaged("550 5.7.9 Policy"), in: directIn, category: Policy, stage: Unstaged},
	{name: "relay-refused", t: session(directPlan, at(Rcpt, "554 5.7.1 <orders@fabrikam.example>: Relay access denied")), in: postfix, category: Policy, stage: Rcpt},
	// Partial captures (explain of an error message): what is not shown
	// is unknown, not absent.
	{name: "auth-not-offered", t: partialAt(Auth, transcript.KindProtocol, "smtplib.SMTPNotSupportedError: SMTP AUTH extension not supported by server."), in: partialIn, category: TLSCat, stage: Auth},
	{name: "auth-client-failed", t: partialAt(Auth, transcript.KindProtocol, "warning: SASL authentication failure: All-whitespace username."), in: partialIn, category: AuthCat, stage: Auth},
	{name: "cut-partial", t: partialAt(Data, transcript.KindClosed, "Error: Connection closed unexpectedly"), in: partialIn, category: Network, stage: Data},
	{name: "stall-partial", t: partialAt(Mail, transcript.KindTimeout, "Net::ReadTimeout"), in: partialIn, category: Network, stage: Mail},
	{name: "not-authenticated", t: unstaged("550 5.7.1 Client was not authenticated"), in: directIn, category: AuthCat, stage: Unstaged},
	{name: "code-530-bare", t: partialReply(Mail, "530"), in: partialIn, category: AuthCat, stage: Mail},
	{name: "code-530-other-words", t: session(directPlan, at(Mail, "530 5.7.0 Nope")), in: directIn, category: AuthCat, stage: Mail},
	{name: "ip-listed", t: session(directPlan, at(Rcpt, "550 5.7.1 Mail from IP 198.51.100.9 was rejected due to listing in Spamhaus SBL.")), in: directIn, category: Reputation, stage: Rcpt},
	{name: "partial-504-not-before-tls", t: partialReply(Auth, "504 5.7.4 Unrecognized authentication type"), in: partialIn, category: AuthCat, stage: Auth},
	// A client saying STARTTLS was not offered: stripped on a Microsoft
	// endpoint, absent elsewhere.
	{name: "too-many-recipients", t: unstaged("550 5.5.3 Maximum limit of 100 recipients reached"), in: directIn, category: Policy, stage: Unstaged},
	{name: "too-many-recipients-rcpt", t: session(directPlan, at(Rcpt, "452 4.5.3 recipient limit")), in: directIn, category: Policy, stage: Rcpt},
	{name: "routing-loop", t: unstaged("554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [X.prod.outlook.com]"), in: directIn, category: Config, stage: Unstaged},
	{name: "oauth-token-refused", t: partialAt(Auth, transcript.KindProtocol, "AADSTS7000215: Invalid client secret provided."), in: partialIn, category: AuthCat, stage: Auth},
	{name: "starttls-stripped-said", t: session(directPlan, errAt(STARTTLS, transcript.KindProtocol, "TLS is required, but was not offered by host contoso-com.mail.protection.outlook.com[104.47.2.33]")), in: directIn, category: Firewall, stage: STARTTLS},
	{name: "starttls-not-offered-said", t: with(session(directPlan, errAt(STARTTLS, transcript.KindProtocol, "TLS is required, but was not offered by host mail.fabrikam.example[198.51.100.7]")), setBanner("220 mail.fabrikam.example ESMTP Postfix")), in: postfix, category: TLSCat, stage: STARTTLS},
}

// partialIn is the input explain gives a capture of one failure.
var partialIn = Input{Plan: Plan{Method: Submission, TLS: StartTLS, Auth: true}, Partial: true}

// partialAt is a capture that shows only one stage's failure.
func partialAt(stage string, kind transcript.Kind, text string) *transcript.Transcript {
	return &transcript.Transcript{Stages: []transcript.StageResult{{Stage: stage, Status: transcript.Fail, Err: &transcript.Error{Kind: kind, Text: text}}}}
}

func partialReply(stage, line string) *transcript.Transcript {
	return &transcript.Transcript{Stages: []transcript.StageResult{{Stage: stage, Status: transcript.Fail, Reply: parse(line)}}}
}

// unstaged is a capture of one reply whose command is not known
// (smtpspec explain of a bare reply).
func unstaged(line string) *transcript.Transcript {
	return &transcript.Transcript{Stages: []transcript.StageResult{{Stage: Unstaged, Status: transcript.Fail, Reply: parse(line)}}}
}

// TestEveryRuleHasATest: every rule of the diagnosis (replies.go,
// noreply.go, rules.go, the catalog) decides at least one verdict of the
// test tables, each built from a transcript.
func TestEveryRuleHasATest(t *testing.T) {
	hit := map[string]bool{}
	for _, tc := range append(append([]diagnoseCase{}, diagnoseCases...), ruleCases...) {
		v := Diagnose(tc.t, tc.in)
		hit[v.Rule] = true
		if tc.category != "" && (v.Category != tc.category || tc.stage != "" && v.Stage != tc.stage) {
			t.Errorf("%s: %s at %q, want %s at %q (%s)", tc.name, v.Category, v.Stage, tc.category, tc.stage, v.Summary)
		}
		if v.Rule == "" || v.Category != OK && v.Source == "" {
			t.Errorf("%s: verdict without rule or source: %+v", tc.name, v)
		}
	}
	plan := Plan{Method: Submission, TLS: StartTLS, Auth: true, Data: true}
	for _, e := range Catalog {
		if e.Category == OK {
			continue
		}
		v := Diagnose(session(plan, at(e.Stage, itoaCode(e.Code)+" "+e.Render(samples))), Input{Plan: plan, Host: "smtp.office365.com", Port: 587})
		hit[v.Rule] = true
	}
	var ids []string
	for _, r := range replyRules {
		ids = append(ids, r.id)
	}
	for _, r := range errRules {
		ids = append(ids, r.id)
	}
	for _, e := range Catalog {
		if e.Category != OK && e.Stage != Banner && e.Stage != EHLO {
			ids = append(ids, "catalog:"+e.ID)
		}
	}
	ids = append(ids, "auth-before-starttls", "starttls-stripped", "banner-not-microsoft", "success", "catalog:banner-masked", "catalog:ehlo-masked-starttls")
	for _, id := range ids {
		if !hit[id] {
			t.Errorf("rule %q decides no verdict in any test", id)
		}
	}
}

func itoaCode(c int) string {
	return string(rune('0'+c/100)) + string(rune('0'+c/10%10)) + string(rune('0'+c%10))
}
