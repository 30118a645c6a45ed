package diagnosis

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// Firewall signs: what an SMTP-inspecting middlebox leaves in a plaintext
// session (FACTS.md 7.1, 7.2). They win over the failure they cause later
// (STARTTLS refused, TLS never negotiated, AUTH not offered), because
// fixing that later failure would be chasing a symptom.

// nextInspection is the action for every inspection sign (DESIGN.md
// pitfalls: disabling firewall security too early).
const nextInspection = "exempt the printer-to-Microsoft 365 flow from SMTP/ESMTP inspection (or allow TLS through it); do not disable the firewall's security wholesale"

// missingSTARTTLS reports a plaintext EHLO that was answered (250) but
// does not offer STARTTLS, masked or not.
func missingSTARTTLS(sc *scene) bool {
	r := sc.t.Stage(transcript.EHLO)
	if sc.in.Plan.TLS == transcript.Implicit || sc.t.AfterTLS(transcript.EHLO) || r.Reply == nil || r.Reply.Code != 250 || saidHELO(sc.t) {
		return false // HELO gets no extension list at all (heloOnly explains it)
	}
	return !sc.t.PlaintextCapabilities().Has("STARTTLS")
}

// firewallSign returns the firewall verdict when a sign precedes failure
// f and could have caused it. Once TLS has completed a middlebox can no
// longer read or alter the session, so later failures are not its doing.
func firewallSign(sc *scene, f transcript.StageResult) (Verdict, bool) {
	if sc.tlsDone && sc.t.AfterTLS(f.Stage) {
		return Verdict{}, false
	}
	if s, ok := catalog.MaskedBanner(sc.t); ok {
		return tag(sc.signVerdict(s, finding{catalog.Firewall, s.Entry.Step, s.Entry.Finding, s.Entry.Next}), "catalog:"+s.Entry.ID, s.Entry.Source), true
	}
	if f.Stage.Facts().Opening {
		return Verdict{}, false // the EHLO signs below come after the failure: they did not cause it
	}
	if s, ok := catalog.MaskedEHLO(sc.t); ok {
		return tag(sc.signVerdict(s, finding{catalog.Firewall, s.Entry.Step, s.Entry.Finding, s.Entry.Next}), "catalog:"+s.Entry.ID, s.Entry.Source), true
	}
	if sc.microsoft && sc.in.Plan.TLS == transcript.StartTLS && missingSTARTTLS(sc) {
		// Microsoft 365 always offers STARTTLS before TLS (FACTS.md 2.1,
		// 2.2); its absence means something in the path removed it.
		r := sc.t.Stage(transcript.EHLO)
		return tag(sc.signVerdict(catalog.Sign{Stage: transcript.EHLO, Reply: r.Reply, Line: capsEvidence(sc.t)}, finding{catalog.Firewall, 3,
			"Microsoft 365 always offers STARTTLS before TLS, but this EHLO reply lacks it: a firewall's SMTP/ESMTP inspection likely stripped it",
			nextInspection}), "starttls-stripped", catalog.SrcCiscoESA), true
	}
	return Verdict{}, false
}

// interception is the verdict on a session to a Microsoft 365 endpoint
// that another server greeted: an ISP, a hosting provider or a
// transparent proxy answering in Microsoft's place (FACTS.md 7.2:
// PHPMailer#649 "redirected to your ISP's mail server"; shared web hosts
// that send port 25 and 587 to their own Exim, whose cPanel banner reads
// "We do not authorize the use of this system to transport unsolicited
// ..."). The banner name check detects it. Whatever fails later in such
// a session (AUTH refused, TLS certificate for another name) follows from
// talking to the wrong server.
func interception(sc *scene) (Verdict, bool) {
	b := sc.t.Stage(transcript.Banner)
	if !catalog.MicrosoftHost(sc.in.Host) || b.Reply == nil || b.Reply.Code != 220 || catalog.MicrosoftBanner(sc.t) {
		return Verdict{}, false
	}
	if _, masked := catalog.MaskedBanner(sc.t); masked {
		return Verdict{}, false // a middlebox masked Microsoft's banner: the mask sign says so
	}
	if (sc.in.Partial || sc.tlsDone) && !foreignBanner(b.Reply) {
		// A pasted banner may be cut or anonymised, and a session that
		// completed TLS reached a server with a certificate: the banner
		// must name another server.
		return Verdict{}, false
	}
	return tag(sc.signVerdict(catalog.Sign{Stage: transcript.Banner, Reply: b.Reply, Line: b.Reply.Line()}, finding{catalog.Firewall, 3,
		"<NAME> is Microsoft 365, but the banner is not Microsoft's: the connection is likely intercepted or redirected (ISP, hosting provider or transparent proxy)",
		"find what answers in Microsoft's place (ISP or hosting provider SMTP redirection, transparent SMTP proxy) and exempt this flow or ask the provider to; compare from another network; if port 25 is intercepted, use submission on 587 (checklist step 8)"}),
		"banner-not-microsoft", srcISP), true
}

// Intercepted is the interception verdict for a transcript without a
// failure (explain of a paste that shows another server's greeting on a
// Microsoft 365 endpoint, the session going no further): the greeting is
// the evidence.
func Intercepted(t *transcript.Transcript, in Input) (Verdict, bool) {
	v, ok := interception(newScene(t, in))
	if ok {
		v.Learn = LearnFor(v)
	}
	return v, ok
}

// foreignRE: a greeting that names its own server: a host name, or mail
// server software, or the cPanel/Exim warning shared web hosts send.
var foreignRE = lazyre.New(`(?i)[a-z0-9-]+\.[a-z0-9-]+\.[a-z]{2,}|\b(?:ESMTP|Exim|Postfix|Sendmail|qmail|hMailServer|MailEnable|Kerio|cPanel)\b|We do not authorize the use of this system`)

// microsoftMarkRE: anything of Microsoft's in a greeting (its software
// or its host names), so an anonymised or cut banner is not read as
// another server's.
var microsoftMarkRE = lazyre.New(`(?i)Microsoft|outlook\.|office365|hotmail\.|protection\.outlook|\.mx\.microsoft|outlook\.cn`)

// foreignBanner: the greeting names another server and nothing of
// Microsoft's.
func foreignBanner(r *transcript.Reply) bool {
	text := r.Text()
	return foreignRE.MatchString(text) && !microsoftMarkRE.MatchString(text)
}

// starttlsMissing explains a failure caused by a server that does not
// offer STARTTLS when the plan needs it, on an endpoint that is not
// Microsoft's (there the firewall sign wins).
func starttlsMissing(sc *scene, f transcript.StageResult) (Verdict, bool) {
	if sc.in.Plan.TLS != transcript.StartTLS || (f.Stage != transcript.EHLO && f.Stage != transcript.STARTTLS) || !missingSTARTTLS(sc) {
		return Verdict{}, false
	}
	// The probe sends STARTTLS anyway; the refusal is the evidence, unless
	// the catalog knows it for something more specific.
	s := catalog.Sign{Stage: f.Stage, Reply: sc.t.Stage(transcript.EHLO).Reply, Line: capsEvidence(sc.t)}
	if f.Stage == transcript.STARTTLS && f.Reply != nil {
		if e := catalog.Match(transcript.STARTTLS, f.Reply); e != nil && e.Category != catalog.OK {
			return Verdict{}, false
		}
		s.Reply, s.Line = f.Reply, f.Reply.Line()
	}
	return tag(sc.signVerdict(s, finding{catalog.TLSCat, 4,
		"the server does not advertise STARTTLS, so the session cannot be encrypted",
		"check that <NAME> is the right endpoint (Microsoft 365 always offers STARTTLS) and that nothing in the path strips it"}),
		"starttls-not-offered", "RFC 3207; "+catalog.SrcMFP), true
}

func (sc *scene) signVerdict(s catalog.Sign, fd finding) Verdict {
	return sc.verdict(fd, transcript.StageResult{Stage: s.Stage}, s.Reply, s.Line)
}

// capsEvidence shows the EHLO capability list as one line.
func capsEvidence(t *transcript.Transcript) string {
	caps := t.PlaintextCapabilities()
	if len(caps) == 0 {
		return "EHLO capabilities: none"
	}
	return "EHLO capabilities: " + strings.Join(caps, ", ")
}
