package diagnosis

import (
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
	"github.com/smtpspec/smtpspec/transcript/sessiontest"
)

// ruleCases reach rules no other table of this package reaches.
var ruleCases = []diagnoseCase{
	{name: "dns-timeout", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.Resolve, transcript.KindTimeout, "lookup smtp.office365.com: i/o timeout")), in: subIn, category: catalog.Network, stage: transcript.Resolve},
	{name: "connect-refused-587", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.Connect, transcript.KindRefused, "connect: connection refused")), in: subIn, category: catalog.Network, stage: transcript.Connect},
	{name: "connect-other", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.Connect, transcript.KindReset, "connect: reset")), in: subIn, category: catalog.Network, stage: transcript.Connect},
	{name: "garbled-in-clear", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.EHLO, transcript.KindProtocol, "malformed reply")), in: directIn, category: catalog.Firewall, stage: transcript.EHLO},
	{name: "garbled-in-tls", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Rcpt, transcript.KindProtocol, "malformed reply")), in: directIn, category: catalog.Service, stage: transcript.Rcpt},
	{name: "cut-in-tls", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Rcpt, transcript.KindReset, "connection reset by peer")), in: directIn, category: catalog.Network, stage: transcript.Rcpt},
	{name: "no-answer-in-tls", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Rcpt, transcript.KindTimeout, "no reply to RCPT TO within 30s")), in: directIn, category: catalog.Service, stage: transcript.Rcpt},
	{name: "ehlo-refused", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.EHLO, "554 5.5.0 Hello refused")), in: directIn, category: catalog.Config, stage: transcript.EHLO},
	{name: "starttls-refused", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.STARTTLS, "554 5.7.3 TLS not available")), in: directIn, category: catalog.TLSCat, stage: transcript.STARTTLS},
	{name: "quit-failed", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Quit, "502 Command not implemented")), in: directIn, category: catalog.Service, stage: transcript.Quit},
	{name: "connect-timeout-587", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.Connect, transcript.KindTimeout, "connect: i/o timeout")), in: subIn, category: catalog.Network, stage: transcript.Connect},
	{name: "cert-unverified", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.Because(sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "x509: certificate is not standards compliant"), transcript.Certificate)), in: subIn, category: catalog.TLSCat, stage: transcript.TLS},
	{name: "tls-failed", t: sessiontest.Session(sessiontest.SubmissionPlan, sessiontest.ErrAt(transcript.TLS, transcript.KindTLS, "remote error: tls: handshake failure")), in: subIn, category: catalog.TLSCat, stage: transcript.TLS},
	{name: "unstaged-protocol", t: unstaged("503 5.5.1 Bad sequence of commands"), in: directIn, category: catalog.Config, stage: transcript.Unstaged},
	{name: "unstaged-refused", t: unstaged("554 Transaction failed"), in: directIn, category: catalog.Service, stage: transcript.Unstaged},
	{name: "unstaged-address", t: unstaged("550 5.1.2 Bad destination system address"), in: directIn, category: catalog.Recipient, stage: transcript.Unstaged},
	{name: "unstaged-policy", t: unstaged("550 5.7.9 Policy"), in: directIn, category: catalog.Policy, stage: transcript.Unstaged},
	{name: "relay-refused", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "554 5.7.1 <orders@fabrikam.example>: Relay access denied")), in: postfix, category: catalog.Policy, stage: transcript.Rcpt},
	// Partial captures (explain of an error message): what is not shown
	// is unknown, not absent.
	{name: "auth-not-offered", t: partialAt(transcript.Auth, transcript.KindProtocol, "smtplib.SMTPNotSupportedError: SMTP AUTH extension not supported by server.", transcript.AuthNotOffered), in: partialIn, category: catalog.TLSCat, stage: transcript.Auth},
	{name: "auth-client-failed", t: partialAt(transcript.Auth, transcript.KindProtocol, "warning: SASL authentication failure: All-whitespace username."), in: partialIn, category: catalog.AuthCat, stage: transcript.Auth},
	{name: "cut-partial", t: partialAt(transcript.Data, transcript.KindClosed, "Error: Connection closed unexpectedly"), in: partialIn, category: catalog.Network, stage: transcript.Data},
	{name: "stall-partial", t: partialAt(transcript.Mail, transcript.KindTimeout, "Net::ReadTimeout"), in: partialIn, category: catalog.Network, stage: transcript.Mail},
	{name: "not-authenticated", t: unstaged("550 5.7.1 Client was not authenticated"), in: directIn, category: catalog.AuthCat, stage: transcript.Unstaged},
	{name: "tls-required", t: unstaged("550 5.7.1 Delivery not authorized, message refused: this domain must use TLS"), in: directIn, category: catalog.TLSCat, stage: transcript.Unstaged},
	{name: "certificate-refused", t: unstaged("451 4.4.0 Primary target IP address responded with: \"454 4.7.5 certificate verify failed\""), in: directIn, category: catalog.TLSCat, stage: transcript.Unstaged},
	{name: "transport-agent-failed", t: unstaged("550 5.7.103 UserMailboxSentItemsAgent; Sent items copy failed"), in: directIn, category: catalog.Service, stage: transcript.Unstaged},
	{name: "ip-rate-limited", t: partialReply(transcript.Mail, "421 RP-001 (BAY004-MC1F12) Unfortunately, some messages from 203.0.113.7 weren't sent. Please try again. We have limits for how many messages can be sent per hour and per day."), in: partialIn, category: catalog.Reputation, stage: transcript.Mail},
	{name: "connection-dropped", t: unstaged("421 4.4.2 connection dropped due to timeout"), in: directIn, category: catalog.Network, stage: transcript.Unstaged},
	{name: "exchange-server-auth", t: unstaged("451 5.7.3 Cannot achieve Exchange Server authentication."), in: directIn, category: catalog.AuthCat, stage: transcript.Unstaged},
	{name: "greylisted", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "450 4.2.0 <a@contoso.com>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/")), in: directIn, category: catalog.Policy, stage: transcript.Rcpt},
	{name: "recipient-unknown-words", t: unstaged("554 5.0.0 Error: transaction failed, blame it on the weather: cannot send message: [2511] Recipient could not be found"), in: directIn, category: catalog.Recipient, stage: transcript.Unstaged},
	{name: "recipient-domain-missing", t: unstaged("554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain"), in: directIn, category: catalog.Recipient, stage: transcript.Unstaged},
	{name: "mailbox-full", t: unstaged("554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded"), in: directIn, category: catalog.Recipient, stage: transcript.Unstaged},
	{name: "store-delivery-failed", t: unstaged("554 5.2.0 STOREDRV.Deliver.Exception:PropertyErrorException; Failed to process message due to a permanent exception"), in: directIn, category: catalog.Service, stage: transcript.Unstaged},
	{name: "please-authenticate", t: partialReply(transcript.Mail, "451 user@domain.tld please authenticate before send"), in: partialIn, category: catalog.AuthCat, stage: transcript.Mail},
	{name: "not-a-gateway", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "550 not local host anisp.net, not a gateway")), in: directIn, category: catalog.Policy, stage: transcript.Rcpt},
	{name: "code-530-bare", t: partialReply(transcript.Mail, "530"), in: partialIn, category: catalog.AuthCat, stage: transcript.Mail},
	{name: "code-530-other-words", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Mail, "530 5.7.0 Nope")), in: directIn, category: catalog.AuthCat, stage: transcript.Mail},
	{name: "ip-listed", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "550 5.7.1 Mail from IP 198.51.100.9 was rejected due to listing in Spamhaus SBL.")), in: directIn, category: catalog.Reputation, stage: transcript.Rcpt},
	{name: "ip-deferred", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Mail, "421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1")), in: directIn, category: catalog.Reputation, stage: transcript.Mail},
	{name: "reply-421-not-listed", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Mail, "421 4.3.2 Service not available, closing transmission channel")), in: directIn, category: catalog.Service, stage: transcript.Mail},
	{name: "sending-limit", t: unstaged("550 5.4.5 Daily user sending quota exceeded. s5sm12197523qke.120 - gsmtp"), in: directIn, category: catalog.Policy, stage: transcript.Unstaged},
	{name: "reverse-dns", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Banner, "421 Refused. Your reverse DNS entry does not resolve to an IP.")), in: directIn, category: catalog.Reputation, stage: transcript.Banner},
	{name: "sender-authentication", t: unstaged("550 5.7.26 Unauthenticated email from example.jp is not accepted due to domain's DMARC policy."), in: directIn, category: catalog.Policy, stage: transcript.Unstaged},
	{name: "tls-required-at-auth", t: partialReply(transcript.Auth, "530 5.7.0 Must issue a STARTTLS command first. w29sm21914057vcr.2"), in: partialIn, category: catalog.TLSCat, stage: transcript.Auth},
	{name: "rcpt-protocol", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "550 5.5.1 Protocol error")), in: directIn, category: catalog.Config, stage: transcript.Rcpt},
	{name: "rcpt-protocol-unknown-recipient", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "550 5.5.0 <a@contoso.com>: no such user here")), in: directIn, category: catalog.Recipient, stage: transcript.Rcpt},
	{name: "partial-504-not-before-tls", t: partialReply(transcript.Auth, "504 5.7.4 Unrecognized authentication type"), in: partialIn, category: catalog.AuthCat, stage: transcript.Auth},
	// A client saying STARTTLS was not offered: stripped on a Microsoft
	// endpoint, absent elsewhere.
	{name: "too-many-recipients", t: unstaged("550 5.5.3 Maximum limit of 100 recipients reached"), in: directIn, category: catalog.Policy, stage: transcript.Unstaged},
	{name: "too-many-recipients-rcpt", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "452 4.5.3 recipient limit")), in: directIn, category: catalog.Policy, stage: transcript.Rcpt},
	{name: "routing-loop", t: unstaged("554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [X.prod.outlook.com]"), in: directIn, category: catalog.Config, stage: transcript.Unstaged},
	{name: "oauth-token-refused", t: partialAt(transcript.Auth, transcript.KindProtocol, "AADSTS7000215: Invalid client secret provided.", transcript.TokenRefused), in: partialIn, category: catalog.AuthCat, stage: transcript.Auth},
	{name: "starttls-stripped-said", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.Because(sessiontest.ErrAt(transcript.STARTTLS, transcript.KindProtocol, "TLS is required, but was not offered by host contoso-com.mail.protection.outlook.com[104.47.2.33]"), transcript.STARTTLSNotOffered)), in: directIn, category: catalog.Firewall, stage: transcript.STARTTLS},
	{name: "starttls-not-offered-said", t: sessiontest.With(sessiontest.Session(sessiontest.DirectPlan, sessiontest.Because(sessiontest.ErrAt(transcript.STARTTLS, transcript.KindProtocol, "TLS is required, but was not offered by host mail.fabrikam.example[198.51.100.7]"), transcript.STARTTLSNotOffered)), sessiontest.SetBanner("220 mail.fabrikam.example ESMTP Postfix")), in: postfix, category: catalog.TLSCat, stage: transcript.STARTTLS},
}

// partialIn is the input explain gives a capture of one failure.
var partialIn = Input{Plan: transcript.Plan{Method: transcript.Submission, TLS: transcript.StartTLS, Auth: true}, Partial: true}

// partialAt is a capture that shows only one stage's failure.
func partialAt(stage transcript.Stage, kind transcript.Kind, text string, why ...transcript.Reason) *transcript.Transcript {
	e := &transcript.Error{Kind: kind, Text: text}
	for _, r := range why {
		e.Reason |= r
	}
	return &transcript.Transcript{Stages: []transcript.StageResult{{Stage: stage, Status: transcript.Fail, Err: e}}}
}

func partialReply(stage transcript.Stage, line string) *transcript.Transcript {
	return &transcript.Transcript{Stages: []transcript.StageResult{{Stage: stage, Status: transcript.Fail, Reply: sessiontest.Parse(line)}}}
}

// unstaged is a capture of one reply whose command is not known
// (smtpspec explain of a bare reply).
func unstaged(line string) *transcript.Transcript {
	return &transcript.Transcript{Stages: []transcript.StageResult{{Stage: transcript.Unstaged, Status: transcript.Fail, Reply: sessiontest.Parse(line)}}}
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
			t.Errorf("%s: %s at %q, want %s at %q (%s)", tc.name, v.Category, v.Stage, tc.category, tc.stage, v.Summary())
		}
		if v.Rule == "" || v.Category != catalog.OK && v.Source == "" {
			t.Errorf("%s: verdict without rule or source: %+v", tc.name, v)
		}
	}
	plan := transcript.Plan{Method: transcript.Submission, TLS: transcript.StartTLS, Auth: true, Data: true}
	for _, e := range catalog.Catalog {
		if e.Category == catalog.OK {
			continue
		}
		v := Diagnose(sessiontest.Session(plan, sessiontest.At(e.Stage, itoaCode(e.Code)+" "+e.Render(sessiontest.Samples))), Input{Plan: plan, Host: "smtp.office365.com", Port: 587})
		hit[v.Rule] = true
	}
	var ids []string
	for _, r := range replyRules {
		ids = append(ids, r.id)
	}
	for _, r := range errRules {
		ids = append(ids, r.id)
	}
	for _, e := range catalog.Catalog {
		if e.Category != catalog.OK && e.Stage != transcript.Banner && e.Stage != transcript.EHLO {
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
