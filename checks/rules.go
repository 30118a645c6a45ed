package checks

import (
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// Unstaged is the stage of a reply whose command a capture does not show
// (smtpspec explain of a bare reply or an exception message): it is read
// by its enhanced code's subject (RFC 3463 section 3) alone.
const Unstaged = "unknown"

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
	if sc.tlsDone && f.Stage != TLS && afterTLS(sc.t, f.Stage) {
		return "TLS completed, so MTU/fragmentation is ruled out"
	}
	return ""
}

// notAcceptance: the server took the connection and the greeting, then
// refused the envelope (checklist step 5). It names which of reputation,
// policy or recipient the reply points at, so nobody chases the network.
// 421 is the server going away, not a refusal of this envelope.
func notAcceptance(sc *scene, f transcript.StageResult, v Verdict) string {
	if (f.Stage != Rcpt && f.Stage != Mail) || f.Reply == nil || f.Reply.Positive() || f.Reply.Code == 421 {
		return ""
	}
	if sc.t.Stage(Connect).Status != transcript.Pass || sc.t.Stage(EHLO).Status != transcript.Pass {
		return ""
	}
	base := "connection is not acceptance: connect and EHLO succeeded, then " + command(f.Stage) + " was refused"
	switch v.Category {
	case Reputation:
		return base + " for the site's IP (reputation), not for the recipient or a tenant policy"
	case Recipient:
		return base + " for this recipient, not for the site's IP"
	case Policy:
		return base + " by the tenant's policy for this use, not for the site's IP or the recipient"
	}
	return base
}

// heloOnly explains a failure of a device that greets with HELO: the
// server then lists no extensions, so AUTH (and STARTTLS) are never
// offered (FACTS.md 2.1, email-oauth2-proxy #232) and whatever fails later
// (AUTH refused, anonymous MAIL refused) is a symptom.
func heloOnly(sc *scene, f transcript.StageResult) (Verdict, bool) {
	if !saidHELO(sc.t) || sc.tlsDone {
		return Verdict{}, false
	}
	switch {
	case f.Stage == Auth:
	case f.Stage == Mail && f.Reply != nil && (f.Reply.Enhanced == "5.7.57" || f.Reply.Enhanced == "5.7.3"):
	default:
		return Verdict{}, false
	}
	ev := evidence(f)
	return tag(sc.verdict(finding{Config, 3,
		"the device greets with HELO, so the server lists no extensions: AUTH and STARTTLS are never offered and the device cannot authenticate",
		"set the device to EHLO (ESMTP, often shown as \"SMTP authentication\" or \"ESMTP\" in its settings) with STARTTLS; a device that can only say HELO cannot use SMTP AUTH submission: use Direct Send or a relay connector"},
		f, f.Reply, ev), "helo-only", srcHELO), true
}

// saidHELO reports a session whose greeting was HELO rather than EHLO.
func saidHELO(t *transcript.Transcript) bool {
	for _, l := range t.Lines {
		if l.Dir == transcript.Client && l.Stage == EHLO {
			verb, _, _ := strings.Cut(strings.TrimSpace(l.Text), " ")
			return strings.EqualFold(verb, "HELO")
		}
	}
	return false
}
