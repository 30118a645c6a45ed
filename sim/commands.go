package sim

import (
	"strings"
)

// command answers one command line; false ends the session.
type command func(ss *session, arg string) bool

// commands is every verb the simulator knows. Others (VRFY, EXPN, HELP,
// BDAT, garbage) get the catalog's unrecognized-command reply.
var commands = map[string]command{
	"EHLO":     (*session).ehlo,
	"HELO":     (*session).helo,
	"STARTTLS": (*session).starttls,
	"AUTH":     (*session).auth,
	"MAIL":     (*session).mail,
	"RCPT":     (*session).rcpt,
	"DATA":     (*session).data,
	"RSET":     (*session).rset,
	"NOOP":     (*session).noop,
	"QUIT":     (*session).quit,
}

// handle dispatches one command line.
func (ss *session) handle(line string) bool {
	verb, arg, _ := strings.Cut(line, " ")
	verb = strings.ToUpper(verb)
	cmd, known := commands[verb]
	ss.logCommand(verb, arg, known)
	if ss.legacyTLS {
		// Exchange Online answers the first command after a TLS 1.0/1.1
		// handshake with 421 4.7.66 and closes (github.com/zehm/sendEmail/issues/1).
		return ss.reply("tls-legacy-refused", nil)
	}
	if !known {
		// Never echo the line: it may be a credential sent out of turn.
		return ss.reply("unrecognized-command", nil)
	}
	return cmd(ss, strings.TrimSpace(arg))
}

// logCommand logs what the client asked without anything secret: AUTH
// arguments after the mechanism and unknown lines are not shown.
func (ss *session) logCommand(verb, arg string, known bool) {
	switch {
	case !known:
		ss.logf("C: <unrecognized command, %d bytes>", len(verb)+len(arg))
	case verb == "AUTH":
		mech, rest, _ := strings.Cut(strings.TrimSpace(arg), " ")
		if rest != "" {
			mech += " <redacted>"
		}
		ss.logf("C: AUTH %s", mech)
	default:
		ss.logf("C: %s", strings.TrimSpace(verb+" "+arg))
	}
}

// ehlo answers with the extension list for the current state (FACTS.md 2).
// Like RSET it ends any mail transaction (RFC 5321 section 4.1.4).
func (ss *session) ehlo(string) bool {
	ss.resetMail()
	ss.greeted = true
	return ss.sendLines(250, ehloLines(ss.id, ss.ip, ss.sc, ss.secure))
}

// helo answers "250 <HOST> Hello [<ip>]" without extensions (FACTS.md 2.1,
// email-oauth2-proxy #232).
func (ss *session) helo(string) bool {
	ss.resetMail()
	ss.greeted = true
	return ss.send(250, ss.id.host+" Hello ["+ss.ip+"]")
}

// rset answers "250 2.0.0 Resetting" (catalog row rset-ok).
func (ss *session) rset(string) bool {
	ss.resetMail()
	return ss.reply("rset-ok", nil)
}

// noop answers RFC 5321 section 4.1.1.9's "250 OK" with RFC 3463's 2.0.0.
func (ss *session) noop(string) bool { return ss.send(250, "2.0.0 OK") }

// quit answers 221 (catalog row quit-ok) and ends the session.
func (ss *session) quit(string) bool {
	ss.reply("quit-ok", nil)
	return false
}

// badSequence answers a command out of order with RFC 5321's text for 503
// (section 4.2.2) and RFC 3463's 5.5.1 (invalid command). Microsoft's own
// wording for these is not in FACTS.md.
func (ss *session) badSequence() bool { return ss.send(503, "5.5.1 Bad sequence of commands") }

func (ss *session) resetMail() {
	ss.inMail, ss.from, ss.rcpts = false, "", 0
}
