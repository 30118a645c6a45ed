package explain

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// A client set to a port where another protocol listens never gets an
// SMTP greeting: Exchange Online's outlook.office365.com serves IMAP on
// 993 and POP3 on 995 (implicit TLS, RFC 8314), IMAP on 143 and POP3 on
// 110, and HTTPS on 443; a submission client belongs on
// smtp.office365.com:587 with STARTTLS (FACTS.md 1.1). The client's
// failure then shows at the connection (a firewall that only passes the
// mail ports), at the TLS handshake (TLS spoken to a plaintext port), or
// as a wait for a greeting that never comes.

// nonSMTPPorts names the protocol of each port.
var nonSMTPPorts = map[int]string{993: "IMAP over TLS", 995: "POP3 over TLS", 143: "IMAP", 110: "POP3", 443: "HTTPS", 80: "HTTP"}

// portMisfit makes a failure without an SMTP reply on a non-SMTP port a
// configuration verdict: the port, not the network or the server, is
// what is wrong.
func portMisfit(res *Result) {
	what, ok := nonSMTPPorts[res.Input.Port]
	v := res.Verdict
	if !ok || v.Category == catalog.OK || v.Category == NoEvidence || v.Code != 0 || v.Enhanced != "" {
		return // a server that answered in SMTP was an SMTP server
	}
	stage, ok := beforeCommands(v.Stage, transcript.Banner)
	if !ok {
		return
	}
	port := itoa(res.Input.Port)
	nv := diagnosis.Verdict{Category: catalog.Config, Stage: stage, Step: 1, Evidence: v.Evidence, Rule: "explain:port-not-smtp",
		Finding: fmt.Sprintf("the client is set to port %s, where %s listens, not SMTP: no SMTP greeting ever comes from it, so the session fails before any command", port, what),
		Next:    "set the device to smtp.office365.com port 587 with STARTTLS (SMTP AUTH submission), or port 25 on the tenant's MX for Direct Send or a relay connector; " + port + " is for " + what,
		Source:  "RFC 8314 and the IANA service name registry (993 imaps, 995 pop3s, 143 imap, 110 pop3, 443 https); FACTS.md 1.1 (submission on smtp.office365.com:587, STARTTLS)"}
	nv.Learn = learnConfig()
	res.Verdict = nv
	if stage != v.Stage || res.Basis.Basis != Seen {
		res.Basis = StageBasis{Basis: Inferred, From: "port " + port + " is " + what + "'s: the failure is the wait for a greeting that never comes, or what the error says"}
	}
}

// otherProtocolRE: a command of IMAP (a tag, then LOGIN, CAPABILITY,
// AUTHENTICATE, SELECT, LOGOUT: RFC 9051) or POP3 (USER, PASS, APOP,
// CAPA, STAT, RETR: RFC 1939) typed or sent into an SMTP session.
var otherProtocolRE = lazyre.OnDemand(`(?i)^(?:[a-z0-9.]{1,8} (?:LOGIN|CAPABILITY|AUTHENTICATE|SELECT|LOGOUT)\b|(?:USER|PASS|APOP|CAPA|STAT|RETR|UIDL)(?: |$))`)

// wrongProtocol makes an SMTP server's "Unrecognized command" a
// configuration verdict when the command it refused was IMAP's or POP3's:
// the client (or the technician testing by hand) speaks another mail
// protocol to the SMTP endpoint; nothing in the path changed its bytes.
func wrongProtocol(res *Result) {
	v := res.Verdict
	if v.Code != 500 && v.Code != 502 || !unrecognizedRE.MatchString(v.Evidence) {
		return
	}
	for _, l := range res.Transcript.Lines {
		f := strings.Fields(l.Text)
		if l.Dir != transcript.Client || len(f) == 0 || stageOfCommand(f[0], false) != "" || !otherProtocolRE.MatchString(l.Text) {
			continue
		}
		cmd := strings.Join(f[:min(2, len(f))], " ")
		nv := diagnosis.Verdict{Category: catalog.Config, Stage: transcript.Unstaged, Step: 1, Code: v.Code, Enhanced: v.Enhanced, Evidence: v.Evidence, Rule: "explain:not-smtp-command",
			Finding: fmt.Sprintf("the client sent %q, a command of IMAP or POP3, to the SMTP server, which refused it as unknown: the client speaks another mail protocol on this port", cmd),
			Next:    "use an SMTP client (or the device's SMTP settings) for smtp.office365.com port 587 with STARTTLS; IMAP is outlook.office365.com 993, POP3 995",
			Source:  "RFC 5321 section 4.2.4 (500 command unrecognised); RFC 9051 (IMAP), RFC 1939 (POP3); FACTS.md 1.1"}
		nv.Learn = learnConfig()
		res.Verdict = nv
		res.Basis = StageBasis{Basis: Inferred, From: "the refused command is " + cmd + ", another protocol's: no SMTP stage applies"}
		return
	}
}

// unrecognizedRE: a server's words for a command it does not know.
var unrecognizedRE = lazyre.OnDemand(`(?i)unrecogni[sz]ed command|command unrecogni[sz]ed|unknown command|command not recogni[sz]ed|syntax error`)

// beforeCommands is where a failure without an SMTP reply belongs when a
// misfit of the setting explains it: connect and the TLS handshake stay
// as they are; a wait at the banner, EHLO, STARTTLS or an unnamed step is
// the misfit's own early stage (the greeting that never comes, the TLS
// spoken too soon). ok is false for a later stage: the session got far
// enough that the setting was not the cause.
func beforeCommands(stage, early transcript.Stage) (transcript.Stage, bool) {
	switch stage {
	case transcript.Connect, transcript.TLS:
		return stage, true
	case transcript.Banner, transcript.EHLO, transcript.STARTTLS, transcript.Unstaged:
		return early, true
	}
	return "", false
}

// otherClientRE: an IMAP or POP3 client's own error, as Python's imaplib
// and poplib, and others, raise it: it connected to an endpoint that
// answered in SMTP.
var otherClientRE = lazyre.OnDemand(`(?i)\b(?:imaplib|IMAP4(?:_SSL)?|poplib|POP3(?:_SSL)?|ImapClient|Pop3Client|imap_tools)\b`)

// smtpGreetingRE: an SMTP server's greeting in the error's text.
var smtpGreetingRE = lazyre.OnDemand(`\b220[ -]\S+ (?:Microsoft )?E?SMTP\b`)

// otherProtocolClient makes an IMAP or POP3 client that got an SMTP
// greeting a configuration verdict at the banner: the client is set to
// the SMTP endpoint (smtp.office365.com, port 587 or 25) while it speaks
// IMAP or POP3; it wants outlook.office365.com 993 or 995.
func otherProtocolClient(res *Result, lines []string) {
	if res.Verdict.Category == catalog.Config {
		return
	}
	l := greetedLine(lines)
	if l == "" {
		return
	}
	res.Verdict = diagnosis.Verdict{Category: catalog.Config, Stage: transcript.Banner, Step: 1, Rule: "explain:mail-client-at-smtp",
		Evidence: strings.TrimSpace(l),
		Finding:  "an IMAP or POP3 client connected to an SMTP server: the greeting it got is SMTP's (220 ... ESMTP), so the client is set to the SMTP endpoint or port",
		Next:     "set the client to outlook.office365.com port 993 (IMAP) or 995 (POP3); smtp.office365.com port 587 is for sending",
		Source:   "RFC 5321 section 4.2 (the 220 greeting); RFC 9051 (IMAP's \"* OK\" greeting); FACTS.md 1.1",
		Learn:    learnConfig()}
	res.Basis = StageBasis{Basis: Seen, From: "the client's error quotes the server's SMTP greeting"}
}

// greetedLine is the first line (its first maxLineScan bytes) where an
// IMAP or POP3 client's error quotes an SMTP greeting, "" when none does.
func greetedLine(lines []string) string {
	for _, l := range lines {
		l = window(l, 0, maxLineScan)
		if strings.Contains(l, "220") && otherClientRE.MatchString(l) && smtpGreetingRE.MatchString(l) {
			return l
		}
	}
	return ""
}

// learnConfig is the Learn page of a configuration verdict, which every
// misfit of the client's setting (port, protocol, TLS mode, a local
// relay's rules) gets.
func learnConfig() string { return diagnosis.LearnFor(diagnosis.Verdict{Category: catalog.Config}) }
