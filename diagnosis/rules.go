package diagnosis

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// crossRule is a fact one stage establishes about another stage's failure
// (DESIGN.md pitfalls: chasing MTU after TLS worked, ignoring RCPT TO
// failures). Its note joins the verdict's summary; it never changes the
// category, which the failing reply or error decides.
type crossRule struct {
	id   string
	src  string
	note func(sc *scene, f transcript.StageResult, v Verdict) string
}

// crossRules are checked in this order; every one that holds adds its note.
var crossRules = []crossRule{
	{id: "tls-rules-out-mtu", src: srcMTU, note: tlsRulesOutMTU},
	{id: "connection-not-acceptance", src: srcChecklist, note: notAcceptance},
}

// tlsRulesOutMTU: the TLS handshake carries the server's certificate
// chain, the largest packets of the session; once it completed, an MTU or
// fragmentation black hole cannot explain a later failure.
func tlsRulesOutMTU(sc *scene, f transcript.StageResult, _ Verdict) string {
	if sc.tlsDone && f.Stage != transcript.TLS && sc.t.AfterTLS(f.Stage) {
		return "TLS completed, so MTU/fragmentation is ruled out"
	}
	return ""
}

// notAcceptance: the server took the connection and the greeting, then
// refused the envelope (checklist step 5). It names which of reputation,
// policy or recipient the reply points at, so nobody chases the network.
// 421 is the server going away, not a refusal of this envelope.
func notAcceptance(sc *scene, f transcript.StageResult, v Verdict) string {
	if (f.Stage != transcript.Rcpt && f.Stage != transcript.Mail) || f.Reply == nil || f.Reply.Positive() || f.Reply.Code == 421 {
		return ""
	}
	if v.Category == catalog.Config {
		return "" // the device's own setup caused the refusal (heloOnly), not the server's acceptance
	}
	if sc.t.Stage(transcript.Connect).Status != transcript.Pass || sc.t.Stage(transcript.EHLO).Status != transcript.Pass {
		return ""
	}
	base := "connection is not acceptance: connect and EHLO succeeded, then " + f.Stage.CommandWords() + " was refused"
	switch v.Category {
	case catalog.Reputation:
		return base + " for the site's IP (reputation), not for the recipient or a tenant policy"
	case catalog.Recipient:
		return base + " for this recipient, not for the site's IP"
	case catalog.Policy:
		return base + " by the tenant's policy for this use, not for the site's IP or the recipient"
	}
	return base
}

// heloFinding and heloNext word a HELO greeting, for the verdict after a
// probe (heloOnly) and the config check before one (configRules).
const (
	heloFinding = "the device greets with HELO, so it never sees AUTH or STARTTLS (the server lists no extensions after HELO)"
	heloNext    = "set the device to EHLO/ESMTP (often shown as \"ESMTP\" or \"SMTP authentication\" in its settings) with STARTTLS and TLS 1.2 or later; " +
		"a device that can only say HELO cannot use SMTP AUTH submission: use Direct Send or a relay connector on port 25"
)

// heloOnly explains a failure of a device that greets with HELO: the
// server then lists no extensions, so AUTH (and STARTTLS) are never
// offered (FACTS.md 2.1, email-oauth2-proxy #232) and whatever fails later
// is a symptom: AUTH refused, or MAIL FROM refused for want of TLS or
// authentication (451 5.7.3, 530 5.7.57; other servers' 530 5.7.0).
func heloOnly(sc *scene, f transcript.StageResult) (Verdict, bool) {
	if !saidHELO(sc.t) || sc.tlsDone || !heloSymptom(f) {
		return Verdict{}, false
	}
	ev := f.EvidenceOrNote()
	return tag(sc.verdict(finding{catalog.Config, 3, heloFinding + "; " + f.Stage.CommandWords() + " was then refused for want of them", heloNext},
		f, f.Reply, ev), "helo-only", srcHELO), true
}

// heloSymptom reports a failure that a missing AUTH or STARTTLS explains.
func heloSymptom(f transcript.StageResult) bool {
	switch {
	case f.Stage == transcript.Auth:
		return true
	case f.Stage != transcript.Mail || f.Reply == nil:
		return false
	}
	switch f.Reply.Enhanced {
	case "5.7.57", "5.7.3", "4.7.3", "5.7.0":
		return true
	}
	return f.Reply.Code == 530 // RFC 4954 section 6: authentication required
}

// saidHELO reports a session whose greeting was HELO rather than EHLO.
func saidHELO(t *transcript.Transcript) bool {
	for _, l := range t.Lines {
		if l.Dir == transcript.Client && l.Stage == transcript.EHLO {
			verb, _, _ := strings.Cut(strings.TrimSpace(l.Text), " ")
			return strings.EqualFold(verb, "HELO")
		}
	}
	return false
}
