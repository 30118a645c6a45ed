package explain

import (
	"fmt"
	"strings"

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

// awaitingAuth makes a clean capture that ends right after the client
// sent its credentials (AUTH's last line, no reply after it) not enough
// evidence, at AUTH: the server's answer (235, or 535 and its reason) is
// what decides, and the capture stops before it. A client that hangs
// there (MailKit waiting on its read) and a paste cut there look the
// same; either way "ok" would claim an AUTH nobody saw succeed.
func awaitingAuth(res *Result) {
	t := res.Transcript
	if res.Verdict.Category != catalog.OK || t == nil || len(t.Lines) == 0 {
		return
	}
	var last *transcript.Line
	for k := len(t.Lines) - 1; k >= 0; k-- {
		if strings.TrimSpace(t.Lines[k].Text) != "" {
			last = &t.Lines[k]
			break
		}
	}
	if last == nil || last.Dir != transcript.Client || last.Stage != transcript.Auth {
		return
	}
	res.SetAside = append(res.SetAside, SetAside{Line: res.Verdict.Evidence,
		Why: "the session worked up to AUTH, but the capture ends before the server answered the credentials"})
	res.Verdict = diagnosis.Verdict{Category: NoEvidence, Stage: transcript.Auth, Step: 9, Rule: "explain:auth-unanswered",
		Finding: "the capture ends right after the client sent its credentials, before the server's answer to AUTH: whether they were accepted (235) or refused (535 and its reason) is not shown; a client that then hung or timed out was waiting for that answer",
		Next:    "capture the server's reply to AUTH (the client's protocol log up to the error, or swaks --auth from the same network); if the client waits there, check for a proxy or inspection holding the session"}
	res.Basis = StageBasis{Basis: Seen, From: "the capture shows the credentials sent and no reply after them"}
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
