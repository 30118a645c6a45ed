package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

// notEnough is the result for a text without SMTP evidence: no verdict,
// and what to capture instead (checklist step 10: record the exact errors
// and transcripts).
func notEnough() *Result {
	return &Result{Format: "none", Transcript: newBuilder().finish(),
		Verdict: diagnosis.Verdict{Category: NoEvidence, Stage: transcript.Unstaged,
			Finding: "not enough evidence: the text holds no SMTP reply, no socket, DNS or TLS error and no SMTP session",
			Next:    "capture the exchange itself (see capture) and explain that", Step: 10},
		Basis:   StageBasis{Basis: Unknown},
		Capture: whatToCapture()}
}

// whatToCapture is what to capture when a text cannot decide a verdict.
func whatToCapture() []string {
	return []string{
		"the exact error text the device or application shows, with any reply code (\"535 5.7.139 ...\", \"550 5.7.606 ...\")",
		"the application's SMTP debug log (PHPMailer SMTPDebug = 2, nodemailer logger/debug true, JavaMail mail.debug=true, Python smtplib set_debuglevel(1), System.Net tracing)",
		"or a session from the device's network: swaks --to <recipient> --server smtp.office365.com:587 --tls --auth LOGIN, or smtpspec run with a spec for the site",
		"for a bounce: the whole NDR/DSN, including \"Diagnostic information for administrators\" or the Diagnostic-Code field",
	}
}

// methodOf says how the device sends and how that is known: the endpoint
// the capture names (smtp.office365.com is submission; a tenant MX is
// Direct Send or relay), a port, an AUTH command, else the reply's own
// meaning (catalog rows of one method), else unknown.
func methodOf(res *Result) MethodBasis {
	m := res.Input.Plan.Method
	h := strings.ToLower(res.Input.Host)
	switch {
	case h != "" && catalog.MicrosoftMX(h):
		return MethodBasis{Method: m, Basis: Inferred, From: "the tenant MX endpoint " + h + " (Direct Send or a relay connector; the capture does not say which)"}
	case h != "":
		return MethodBasis{Method: m, Basis: Seen, From: "the endpoint " + h}
	case res.Input.Port == 587:
		return MethodBasis{Method: transcript.Submission, Basis: Inferred, From: "port 587 (client submission)"}
	case hasCommand(res, "AUTH"):
		return MethodBasis{Method: transcript.Submission, Basis: Seen, From: "the AUTH command"}
	}
	if mt, why := methodByReply(res); mt != "" {
		return MethodBasis{Method: mt, Basis: Inferred, From: why}
	}
	return MethodBasis{Basis: Unknown}
}

// methodByReply: replies that only one method meets (FACTS.md 1.1-1.3):
// AUTH refusals and SendAs belong to submission, TenantAttribution to a
// relay connector, TenantInboundAttribution to Direct Send.
func methodByReply(res *Result) (transcript.Method, string) {
	v := res.Verdict
	switch {
	case v.Enhanced == "5.7.64" || strings.Contains(v.Summary(), "TenantAttribution"):
		return transcript.Relay, "the reply (" + v.Enhanced + ") is a relay connector's"
	case v.Enhanced == "5.7.68":
		return transcript.DirectSend, "the reply (5.7.68) refuses Direct Send"
	case v.Stage == transcript.Auth || v.Enhanced == "5.7.57" || v.Enhanced == "5.7.60" || strings.Contains(v.Summary(), "SendAsDenied"):
		return transcript.Submission, "the reply belongs to SMTP AUTH client submission"
	}
	return "", ""
}

func hasCommand(res *Result, verb string) bool {
	for _, l := range res.Transcript.Lines {
		if l.Dir == transcript.Client && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(l.Text)), verb) {
			return true
		}
	}
	return false
}
