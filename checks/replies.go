package checks

import (
	"regexp"
	"slices"

	"github.com/smtpspec/smtpspec/transcript"
)

// diagnoseReply explains a stage that failed with a server reply: first
// the replies whose meaning depends on the session rather than the text,
// then the reply catalog, then a generic reading by stage and class.
func diagnoseReply(sc *scene, f transcript.StageResult) Verdict {
	rep := f.Reply
	ev := rep.Line()
	if v, ok := starttlsMissing(sc, f); ok {
		return v
	}
	// 421 4.7.66 refuses legacy TLS wherever it shows up (FACTS.md: the
	// exact point, STARTTLS or AUTH, is UNCONFIRMED), whatever its wording.
	if rep.Code == 421 && rep.Enhanced == "4.7.66" {
		if e := Lookup("tls-legacy-refused"); e != nil {
			return sc.verdict(entryFinding(e), f, rep, ev)
		}
	}
	// 504 5.7.4 before TLS: Microsoft 365 offers AUTH only after STARTTLS
	// (FACTS.md 2.1, enough_mail#106), so the mechanism is not the
	// problem and new credentials would not help. Category tls rather
	// than auth: the fix is turning on STARTTLS, and the auth checklist
	// (step 9) would send the technician the wrong way.
	if f.Stage == Auth && rep.Code == 504 && rep.Enhanced == "5.7.4" && !sc.tlsDone {
		return sc.verdict(finding{TLSCat, 4,
			"AUTH was refused before TLS was negotiated: the device is likely authenticating before STARTTLS (Microsoft 365 offers AUTH only inside TLS)",
			"enable STARTTLS (TLS 1.2 or later) on the device so it authenticates after the second EHLO, with AUTH LOGIN or XOAUTH2"}, f, rep, ev)
	}
	if e := Match(f.Stage, rep); e != nil && e.Category != OK {
		return sc.verdict(entryFinding(e), f, rep, ev)
	}
	return sc.verdict(genericReply(f.Stage, rep), f, rep, ev)
}

func entryFinding(e *Entry) finding {
	return finding{cat: e.Category, step: e.Step, text: e.Finding, next: e.Next}
}

// replyRule reads a reply the catalog does not know by its stage and code.
// The first rule that fits wins.
type replyRule struct {
	stages []string       // nil: any stage
	class  int            // reply class (4, 5), 0: any
	code   int            // exact code, 0: any
	text   *regexp.Regexp // must match the reply text, nil: any
	finding
}

// blockWords marks a session refusal that is about who is connecting.
var blockWords = regexp.MustCompile(`(?i)block|black ?list|listed|spam|reputation|banned|denied|not allowed|poor`)

var replyRules = []replyRule{
	{code: 421, finding: finding{Service, 10,
		"the server is temporarily not serving and closed the session (421)",
		"retry later with backoff; if it persists, record the time and the transcript for a support case (checklist step 10)"}},
	{stages: []string{Banner}, class: 5, text: blockWords, finding: finding{Reputation, 7,
		"the server refused the session at the banner: the site's public IP is likely blocked",
		"check the site's public IP on the block list the reply names (Microsoft: https://sender.office.com); compare with submission on 587 (checklist step 8)"}},
	{stages: []string{Banner}, class: 5, finding: finding{Service, 10,
		"the server refused the session at the banner (no SMTP service for this client)",
		"check that <ENDPOINT> is the right endpoint; record the reply and the time (checklist step 10)"}},
	{class: 4, finding: finding{Service, 10,
		"the server refused <CMD> temporarily",
		"retry later; if it persists, record the time and the transcript (checklist step 10)"}},
	{stages: []string{Auth}, class: 5, finding: finding{AuthCat, 9,
		"authentication was refused",
		"check the username (the mailbox's full UPN) and password, that SMTP AUTH is enabled for the mailbox, and MFA, Security Defaults and Conditional Access (checklist step 9)"}},
	{stages: []string{Rcpt}, class: 5, finding: finding{Recipient, 5,
		"the recipient was refused",
		"check the recipient address, and that this method may reach it (Direct Send reaches only the tenant's own mailboxes)"}},
	{stages: []string{Mail}, class: 5, finding: finding{Policy, 5,
		"the sender was refused",
		"check MAIL FROM: an accepted domain of the tenant and, for submission, the authenticated mailbox's address or one it may send as"}},
	{stages: []string{Data}, class: 5, finding: finding{Policy, 5,
		"the message was refused at end of data",
		"check the message against the tenant's limits and rules (size, From header, Send As); look it up in message trace (checklist step 6)"}},
	{stages: []string{EHLO, EHLOTLS}, class: 5, finding: finding{Config, 3,
		"the server refused EHLO",
		"check the device's EHLO name (a fully qualified name or an address literal) and that it speaks SMTP"}},
	{stages: []string{STARTTLS, TLS}, class: 5, finding: finding{TLSCat, 4,
		"the server refused STARTTLS",
		"check the device's TLS settings (TLS 1.2 or later) and that nothing in the path rewrites STARTTLS"}},
	{stages: []string{Quit}, finding: finding{Service, 10,
		"every stage up to QUIT passed, but QUIT failed",
		"nothing to fix for delivery; if it repeats, record the transcript (checklist step 10)"}},
	// A positive reply where the probe needed another: commands are being
	// rewritten. Older Cisco PIX turns commands it strips into NOOP and
	// answers "200 OK" (FACTS.md 7.1).
	{finding: finding{Firewall, 3,
		"the server answered <CMD> with a reply that does not fit it: likely a middlebox rewriting SMTP commands",
		nextInspection}},
}

// genericReply returns the first rule that fits the reply.
func genericReply(stage string, rep *transcript.Reply) finding {
	for _, r := range replyRules {
		if r.stages != nil && !slices.Contains(r.stages, stage) {
			continue
		}
		if r.class != 0 && r.class != rep.Class() {
			continue
		}
		if r.code != 0 && r.code != rep.Code {
			continue
		}
		if r.text != nil && !r.text.MatchString(rep.Text()) {
			continue
		}
		return r.finding
	}
	return replyRules[len(replyRules)-1].finding
}
