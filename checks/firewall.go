package checks

import (
	"strings"

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

// sign is a firewall sign found in the transcript.
type sign struct {
	entry *Entry // the catalog row that explains it
	stage transcript.Stage
	reply *transcript.Reply
	line  string // the exact line that shows it
}

// maskedBanner finds a banner masked by Cisco PIX/ASA Mailguard or
// "inspect esmtp" (catalog row banner-masked). A masked banner may not
// even parse ("220****..." has no space after the code), so the raw
// server lines are searched too.
func maskedBanner(t *transcript.Transcript) (sign, bool) {
	r := t.Stage(transcript.Banner)
	if r.Reply != nil {
		if e := Match(transcript.Banner, r.Reply); e != nil && e.Category == Firewall && e.Stage == transcript.Banner {
			return sign{entry: e, stage: transcript.Banner, reply: r.Reply, line: r.Reply.Line()}, true
		}
	}
	e := Lookup("banner-masked")
	for _, l := range t.ServerLines(transcript.Banner) {
		if e != nil && e.Pattern.MatchString(afterCode(l)) {
			return sign{entry: e, stage: transcript.Banner, reply: r.Reply, line: l}, true
		}
	}
	return sign{}, false
}

// maskedEHLO finds STARTTLS masked as XXXXXXXA in the plaintext EHLO list
// (catalog row ehlo-masked-starttls).
func maskedEHLO(t *transcript.Transcript) (sign, bool) {
	e := Lookup("ehlo-masked-starttls")
	if e == nil || t.AfterTLS(transcript.EHLO) {
		return sign{}, false
	}
	r := t.Stage(transcript.EHLO)
	for _, c := range ehloCaps(t) {
		if e.Pattern.MatchString(c) {
			return sign{entry: e, stage: transcript.EHLO, reply: r.Reply, line: rawLine(t, transcript.EHLO, c, "250 "+c)}, true
		}
	}
	if r.Reply != nil && Match(transcript.EHLO, r.Reply) == e {
		return sign{entry: e, stage: transcript.EHLO, reply: r.Reply, line: rawLine(t, transcript.EHLO, "XXXX", r.Reply.Line())}, true
	}
	return sign{}, false
}

// missingSTARTTLS reports a plaintext EHLO that was answered (250) but
// does not offer STARTTLS, masked or not.
func missingSTARTTLS(sc *scene) bool {
	r := sc.t.Stage(transcript.EHLO)
	if sc.in.Plan.TLS == transcript.Implicit || sc.t.AfterTLS(transcript.EHLO) || r.Reply == nil || r.Reply.Code != 250 || saidHELO(sc.t) {
		return false // HELO gets no extension list at all (heloOnly explains it)
	}
	return !ehloCaps(sc.t).Has("STARTTLS")
}

// firewallSign returns the firewall verdict when a sign precedes failure
// f and could have caused it. Once TLS has completed a middlebox can no
// longer read or alter the session, so later failures are not its doing.
func firewallSign(sc *scene, f transcript.StageResult) (Verdict, bool) {
	if sc.tlsDone && sc.t.AfterTLS(f.Stage) {
		return Verdict{}, false
	}
	if s, ok := maskedBanner(sc.t); ok {
		return tag(sc.signVerdict(s, finding{Firewall, s.entry.Step, s.entry.Finding, s.entry.Next}), "catalog:"+s.entry.ID, s.entry.Source), true
	}
	if f.Stage.Facts().Opening {
		return Verdict{}, false // the EHLO signs below come after the failure: they did not cause it
	}
	if s, ok := maskedEHLO(sc.t); ok {
		return tag(sc.signVerdict(s, finding{Firewall, s.entry.Step, s.entry.Finding, s.entry.Next}), "catalog:"+s.entry.ID, s.entry.Source), true
	}
	if sc.microsoft && sc.in.Plan.TLS == transcript.StartTLS && missingSTARTTLS(sc) {
		// Microsoft 365 always offers STARTTLS before TLS (FACTS.md 2.1,
		// 2.2); its absence means something in the path removed it.
		r := sc.t.Stage(transcript.EHLO)
		return tag(sc.signVerdict(sign{stage: transcript.EHLO, reply: r.Reply, line: capsEvidence(sc.t)}, finding{Firewall, 3,
			"Microsoft 365 always offers STARTTLS before TLS, but this EHLO reply lacks it: a firewall's SMTP/ESMTP inspection likely stripped it",
			nextInspection}), "starttls-stripped", srcCiscoESA), true
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
	if !microsoftHost(sc.in.Host) || b.Reply == nil || b.Reply.Code != 220 || microsoftBanner(sc.t) {
		return Verdict{}, false
	}
	if _, masked := maskedBanner(sc.t); masked {
		return Verdict{}, false // a middlebox masked Microsoft's banner: the mask sign says so
	}
	if (sc.in.Partial || sc.tlsDone) && !foreignBanner(b.Reply) {
		// A pasted banner may be cut or anonymised, and a session that
		// completed TLS reached a server with a certificate: the banner
		// must name another server.
		return Verdict{}, false
	}
	return tag(sc.signVerdict(sign{stage: transcript.Banner, reply: b.Reply, line: b.Reply.Line()}, finding{Firewall, 3,
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
	s := sign{stage: f.Stage, reply: sc.t.Stage(transcript.EHLO).Reply, line: capsEvidence(sc.t)}
	if f.Stage == transcript.STARTTLS && f.Reply != nil {
		if e := Match(transcript.STARTTLS, f.Reply); e != nil && e.Category != OK {
			return Verdict{}, false
		}
		s.reply, s.line = f.Reply, f.Reply.Line()
	}
	return tag(sc.signVerdict(s, finding{TLSCat, 4,
		"the server does not advertise STARTTLS, so the session cannot be encrypted",
		"check that <NAME> is the right endpoint (Microsoft 365 always offers STARTTLS) and that nothing in the path strips it"}),
		"starttls-not-offered", "RFC 3207; "+srcMFP), true
}

func (sc *scene) signVerdict(s sign, fd finding) Verdict {
	return sc.verdict(fd, transcript.StageResult{Stage: s.stage}, s.reply, s.line)
}

// microsoftHost reports a Microsoft 365 SMTP host name: the submission
// endpoints (*.office365.com, FACTS.md 1.1, 1.5), a tenant MX
// (*.mail.protection.outlook.com, FACTS.md 1.2) or a host under
// mx.microsoft (new domains' MX and the HVE endpoint, FACTS.md 0).
func microsoftHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	for _, d := range []string{"office365.com", "mail.protection.outlook.com", "mx.microsoft"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

// microsoftBanner reports a banner the catalog knows as Microsoft's.
func microsoftBanner(t *transcript.Transcript) bool {
	r := t.Stage(transcript.Banner)
	if r.Reply == nil {
		return false
	}
	e := Match(transcript.Banner, r.Reply)
	return e != nil && e.Category == OK && e.Stage == transcript.Banner
}

// ehloCaps is the plaintext EHLO capability list: as the probe recorded
// it, or else taken from the EHLO reply (every line after the greeting).
func ehloCaps(t *transcript.Transcript) transcript.Capabilities {
	if len(t.Capabilities) > 0 {
		return t.Capabilities
	}
	r := t.Stage(transcript.EHLO)
	if r.Reply == nil || r.Reply.Code != 250 || len(r.Reply.Lines) < 2 {
		return nil
	}
	return r.Reply.Lines[1:]
}

// capsEvidence shows the EHLO capability list as one line.
func capsEvidence(t *transcript.Transcript) string {
	caps := ehloCaps(t)
	if len(caps) == 0 {
		return "EHLO capabilities: none"
	}
	return "EHLO capabilities: " + strings.Join(caps, ", ")
}

// rawLine returns the server line at stage that contains s, or fallback.
func rawLine(t *transcript.Transcript, stage transcript.Stage, s, fallback string) string {
	for _, l := range t.ServerLines(stage) {
		if strings.Contains(l, s) {
			return l
		}
	}
	return fallback
}

// afterCode strips a leading reply code and its separator ("220-", "220 ").
func afterCode(line string) string {
	if len(line) >= 3 && isDigits(line[:3]) {
		return strings.TrimLeft(line[3:], " -")
	}
	return line
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
