package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

// libraryFormats are the formats of a program's own debug log: the
// program, not a person at a prompt, decides each next command, so a
// QUIT where AUTH was due is the program giving up. A person testing by
// hand (telnet, openssl, a plain S:/C: log) often quits after EHLO on
// purpose, and swaks quits early when told to (--quit-after).
var libraryFormats = map[string]bool{"phpmailer": true, "nodemailer": true, "smtplib": true, "dotnet": true}

// clientGaveUp makes a program's clean session that quit after the
// server offered AUTH, and before any AUTH or MAIL FROM, an
// authentication verdict: the program had nothing to authenticate with.
// With OAuth that is a token it could not obtain or refresh (the
// identity platform's error is in the program's own log, not the SMTP
// session); with a password, credentials it was not given, or no
// mechanism of the ones offered that it is set to use (RFC 4954 section
// 4: the client picks from the EHLO list). A session that stopped
// without QUIT (a cut capture) stays ok.
func clientGaveUp(res *Result) {
	t := res.Transcript
	if res.Verdict.Category != catalog.OK || t == nil {
		return
	}
	if quitInAuth(t) {
		res.Verdict = diagnosis.Verdict{Category: catalog.AuthCat, Stage: transcript.Auth, Step: 9, Rule: "explain:quit-in-auth",
			Finding: "the client started AUTH, got the server's prompt (334) and quit instead of answering it: it had no credentials to send in that mechanism (none configured, or a device set to a mechanism it cannot complete)",
			Next:    "set the device's SMTP username and password (or its OAuth sign-in) and check the mechanism it uses is one the server offers; a device that cannot authenticate sends through Direct Send or a relay connector",
			Source:  "RFC 4954 section 4 (a client cancels an exchange with \"*\", not QUIT); RFC 5321 section 4.1.1.10"}
		res.Verdict.Learn = diagnosis.LearnFor(res.Verdict)
		res.Basis = StageBasis{Basis: Seen, From: "the client's QUIT in answer to AUTH's prompt"}
		return
	}
	if !libraryFormats[res.Format] {
		return
	}
	offered := authOffered(t.CapabilitiesTLS)
	if offered == "" && t.Stage(transcript.TLS).Status != transcript.Pass {
		offered = authOffered(t.Capabilities)
	}
	if offered == "" || !quitBeforeMail(t) {
		return
	}
	offered = strings.TrimSpace(strings.TrimPrefix(offered, "AUTH"))
	res.Verdict = diagnosis.Verdict{Category: catalog.AuthCat, Stage: transcript.Auth, Step: 9, Rule: "explain:quit-before-auth",
		Finding: fmt.Sprintf("the client quit after the server offered AUTH (mechanisms: %s), without authenticating or sending mail: it had nothing to authenticate with (an OAuth token it could not obtain or refresh, credentials it was not given, or none of the offered mechanisms is the one it is set to use)", offered),
		Next:    "look in the application's own log for the token request's error (Microsoft identity platform AADSTS codes) or a missing username/password; check the mechanism it is set to (XOAUTH2 for OAuth, LOGIN for a password) is one the server offers",
		Source:  "RFC 4954 section 4 (the client chooses the mechanism from the EHLO list); RFC 5321 section 4.1.1.10 (QUIT)"}
	res.Verdict.Learn = diagnosis.LearnFor(res.Verdict)
	res.Basis = StageBasis{Basis: Inferred, From: "the client's QUIT right after the server offered AUTH"}
}

// skippedTLS makes a clean session that quit after an EHLO offering
// STARTTLS but no AUTH, before STARTTLS or any mail, a TLS verdict when a
// program wrote it or the text says it failed: the server offers AUTH
// only inside TLS (Microsoft 365 too, FACTS.md 2.1; Postfix with
// smtpd_tls_auth_only), so a client set to authenticate without
// starting TLS finds no AUTH and gives up (Roundcube reports "SMTP Error
// (250): Authentication failed" then). A person quitting after EHLO by
// hand is no failure, so a plain log needs the stated one.
func skippedTLS(res *Result, lines []string) {
	t := res.Transcript
	if res.Verdict.Category != catalog.OK || t == nil || !quitBeforeMail(t) || t.Stage(transcript.STARTTLS).Status != transcript.Skip && t.Stage(transcript.STARTTLS).Status != "" {
		return
	}
	if authOffered(t.Capabilities) != "" || !slices.Contains(t.Capabilities, "STARTTLS") {
		return
	}
	if !libraryFormats[res.Format] && !statesFailure(lines) {
		return
	}
	res.SetAside = append(res.SetAside, SetAside{Line: res.Verdict.Evidence,
		Why: "the session ends cleanly, but the client quit where it should have started TLS"})
	res.Verdict = diagnosis.Verdict{Category: catalog.TLSCat, Stage: transcript.STARTTLS, Step: 4, Rule: "explain:quit-without-starttls",
		Evidence: res.Verdict.Evidence,
		Finding:  "the server offered STARTTLS and no AUTH before TLS, and the client quit instead of starting TLS: it wanted to authenticate, and the server offers AUTH only inside TLS (as Microsoft 365 does)",
		Next:     "turn on STARTTLS for this server in the client (Roundcube: the tls:// prefix or smtp_port 587 with STARTTLS; a device: \"TLS\"/\"STARTTLS\", not \"none\"), so it authenticates after the second EHLO",
		Source:   "RFC 3207 section 4.2; RFC 4954 section 4; FACTS.md 2.1"}
	res.Verdict.Learn = diagnosis.LearnFor(res.Verdict)
	res.Basis = StageBasis{Basis: Inferred, From: "EHLO offered STARTTLS and no AUTH; the client's next command was QUIT"}
}

// failureWordsRE: a failure stated in the reporter's or the program's
// words, in the languages the prose reader knows.
var failureWordsRE = lazyre.OnDemand(`(?i)\b(?:fail(?:ed|ure|s)?|error|fehler|fehlgeschlagen|échec|erreur|échoué|fall[óo]|fallit[oa]|mislukt|falha|falhou|błąd)\b|失败|错误|エラー|失敗`)

func statesFailure(lines []string) bool {
	for _, l := range lines {
		if failureWordsRE.MatchString(window(l, 0, maxLineScan)) {
			return true
		}
	}
	return false
}

// authOffered is the AUTH line of an EHLO capability list ("AUTH LOGIN
// XOAUTH2"), "" when none.
func authOffered(caps []string) string {
	for _, c := range caps {
		if c == "AUTH" || strings.HasPrefix(c, "AUTH ") {
			return c
		}
	}
	return ""
}

// quitBeforeMail: the client sent QUIT, and no AUTH, MAIL FROM or DATA
// before it.
func quitBeforeMail(t *transcript.Transcript) bool {
	for _, l := range t.Lines {
		if l.Dir != transcript.Client {
			continue
		}
		switch stageOfCommand(l.Text, false) {
		case transcript.Auth, transcript.Mail, transcript.Rcpt, transcript.Data:
			return false
		case transcript.Quit:
			return strings.EqualFold(strings.Fields(l.Text)[0], "QUIT")
		}
	}
	return false
}

// lastClientLine is the last non-blank line of an ok verdict's capture
// when the client wrote it (nil otherwise): a capture that ends on the
// client's words ends before the server's answer to them.
func lastClientLine(res *Result) *transcript.Line {
	t := res.Transcript
	if res.Verdict.Category != catalog.OK || t == nil {
		return nil
	}
	for k := len(t.Lines) - 1; k >= 0; k-- {
		if strings.TrimSpace(t.Lines[k].Text) != "" {
			if t.Lines[k].Dir != transcript.Client {
				return nil
			}
			return &t.Lines[k]
		}
	}
	return nil
}

// awaitingAuth makes a clean capture that ends right after the client
// sent its credentials (AUTH's last line, no reply after it) not enough
// evidence, at AUTH: the server's answer (235, or 535 and its reason) is
// what decides, and the capture stops before it. A client that hangs
// there (MailKit waiting on its read) and a paste cut there look the
// same; either way "ok" would claim an AUTH nobody saw succeed.
func awaitingAuth(res *Result) {
	last := lastClientLine(res)
	if last == nil || last.Stage != transcript.Auth {
		return
	}
	res.SetAside = append(res.SetAside, SetAside{Line: res.Verdict.Evidence,
		Why: "the session worked up to AUTH, but the capture ends before the server answered the credentials"})
	sent := "sent its credentials"
	if f := strings.Fields(last.Text); len(f) == 2 && strings.EqualFold(f[0], "AUTH") {
		sent = "began AUTH (" + f[0] + " " + f[1] + ")" // the mechanism alone: its prompts and answers are not shown
	}
	res.Verdict = diagnosis.Verdict{Category: NoEvidence, Stage: transcript.Auth, Step: 9, Rule: "explain:auth-unanswered",
		Finding: "the capture ends right after the client " + sent + ", before the server's answer to AUTH: whether the credentials were accepted (235) or refused (535 and its reason) is not shown; a client that then hung or timed out was waiting for that answer",
		Next:    "capture the server's reply to AUTH (the client's protocol log up to the error, or swaks --auth from the same network); if the client waits there, check for a proxy or inspection holding the session"}
	res.Basis = StageBasis{Basis: Seen, From: "the capture shows the credentials sent and no reply after them"}
}

// awaitingData is awaitingAuth for the end of the message: a clean
// capture whose last line is the client's lone "." after DATA's 354, no
// reply after it (RFC 5321 section 4.1.1.4: the end-of-data reply is the
// server's decision on the message). When the text then says the
// session closed or failed ("Disconnected.", "Error: Connection closed.
// Failed to send message"), the server dropped the session at the end of
// data: a failure there, not "ok at rcpt"; otherwise the capture stops
// before the decision and is not enough evidence.
func awaitingData(res *Result, lines []string) {
	last := lastClientLine(res)
	if last == nil || strings.TrimSpace(last.Text) != "." {
		return
	}
	res.SetAside = append(res.SetAside, SetAside{Line: res.Verdict.Evidence,
		Why: "the session worked up to the message's end, but no reply to it follows"})
	basis := StageBasis{Basis: Seen, From: "the capture shows the message's end (\".\") sent and no reply after it"}
	if after := textAfter(lines, dotLine(lines)); closedWordsRE.MatchString(after) {
		res.Verdict = diagnosis.Verdict{Category: catalog.Service, Stage: transcript.Data, Step: 10, Rule: "explain:closed-after-data",
			Evidence: window(strings.Join(strings.Fields(after), " "), 0, 200),
			Finding:  "the server closed the session after the message was sent, without answering its end: it dropped the message while judging it (a content or size scan that timed out, a server fault), or something in the path cut the session",
			Next:     "look the message up on the server's side (Microsoft 365: message trace) at that time; send a small plain test message the same way to see whether size or content matters; if small ones fail too, check for TLS or SMTP inspection in the path"}
		res.Verdict.Learn = diagnosis.LearnFor(res.Verdict)
		res.Basis = basis
		return
	}
	res.Verdict = diagnosis.Verdict{Category: NoEvidence, Stage: transcript.Data, Step: 6, Rule: "explain:data-unanswered",
		Finding: "the capture ends right after the message was sent, before the server's reply to its end: whether the server accepted it (250) or refused it (and why) is not shown",
		Next:    "capture the reply to the end of the message (the client's protocol log up to the error, or swaks from the same network); then look the message up in message trace"}
	res.Basis = basis
}

// closedWordsRE: words that say a session ended badly.
var closedWordsRE = lazyre.OnDemand(`(?i)\bclosed\b|disconnected|\bfailed\b|\berror\b|timed? ?out|\breset\b|\bEOF\b`)

// dotLine is the index of the last line that is the lone "." (after a
// log's prefix: "C: .", "CLIENT -> SERVER: ."), -1 when none is.
func dotLine(lines []string) int {
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l == "." || strings.HasSuffix(l, " .") {
			return i
		}
	}
	return -1
}

// textAfter is the text of the lines after index end, at most a few.
func textAfter(lines []string, end int) string {
	if end < 0 {
		return ""
	}
	var b strings.Builder
	for i := end + 1; i < len(lines) && i <= end+6; i++ {
		b.WriteString(lines[i])
		b.WriteByte(' ')
	}
	return b.String()
}

// quitInAuth: the client's next line after AUTH's 334 prompt is QUIT.
func quitInAuth(t *transcript.Transcript) bool {
	prompted := false
	for _, l := range t.Lines {
		text := strings.TrimSpace(l.Text)
		switch {
		case text == "":
		case l.Dir == transcript.Server:
			prompted = strings.HasPrefix(text, "334")
		case prompted:
			return strings.EqualFold(text, "QUIT")
		}
	}
	return false
}
