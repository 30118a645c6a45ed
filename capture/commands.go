package capture

import (
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// command answers one command line; false ends the session.
type command func(ss *session, arg string) bool

// commands is every verb the capture answers; others get the catalog's
// unrecognized-command reply, as Exchange Online gives it.
var commands = map[string]command{
	"EHLO":     (*session).ehlo,
	"HELO":     (*session).helo,
	"STARTTLS": (*session).starttls,
	"AUTH":     (*session).auth,
	"MAIL":     (*session).mail,
	"RCPT":     (*session).rcpt,
	"DATA":     (*session).data,
	"BDAT":     (*session).bdat,
	"RSET":     (*session).rset,
	"NOOP":     (*session).noop,
	"QUIT":     (*session).quit,
}

// handle dispatches one command line and records its verb, and whether
// it came before the reply to the one before it.
func (ss *session) handle(line string) bool {
	verb, arg, _ := strings.Cut(line, " ")
	verb = strings.ToUpper(verb)
	cmd, known := commands[verb]
	ss.sentLine = true
	if !known {
		// Never echo the line: it may be a credential sent out of turn.
		ss.note("(unrecognized)")
		ss.problem("unrecognized command: %s", describeBytes([]byte(line)))
		return ss.reply("unrecognized-command", nil)
	}
	shown := verb
	if verb == "AUTH" {
		mech, _, _ := strings.Cut(strings.TrimSpace(arg), " ")
		shown += " " + strings.ToUpper(mech)
	}
	ss.note(shown)
	if verb == "EHLO" || verb == "HELO" || verb == "MAIL" || verb == "RCPT" {
		ss.logf("C: %s", printable(line, 200)) // names and addresses: nothing secret
	}
	return cmd(ss, strings.TrimSpace(arg))
}

// note records a command, and that it was pipelined when it was already
// waiting while the previous reply was written.
func (ss *session) note(shown string) {
	ss.rec.Commands = append(ss.rec.Commands, shown)
	if ss.ahead {
		ss.rec.Pipelined = append(ss.rec.Pipelined, shown)
	}
	if shown != "EHLO" && shown != "HELO" && shown != "MAIL" && shown != "RCPT" {
		ss.logf("C: %s", shown)
	}
}

// ehlo answers with the persona's EHLO list for the current state: before
// TLS with STARTTLS, after it with AUTH on submission (FACTS.md 2.1, 2.2),
// from the simulator's list. With --tls none the capture offers no
// STARTTLS and, on submission, AUTH in plain text, which Exchange Online
// never does: the report says so.
func (ss *session) ehlo(arg string) bool {
	ss.greet("EHLO", arg)
	lines := ss.fe.EHLO(ss.secure)
	if ss.mode() == transcript.NoTLS {
		lines = slices.DeleteFunc(lines, func(l string) bool { return l == "STARTTLS" })
		if ss.srv.opts.Persona == Submission {
			i := slices.Index(lines, "8BITMIME")
			lines = slices.Insert(lines, max(i, 1), "AUTH LOGIN XOAUTH2")
		}
	}
	ss.shown = lines[1:]
	return ss.sendLines(250, lines)
}

// helo answers "250 <HOST> Hello [<ip>]" with no extensions (FACTS.md
// 2.1, email-oauth2-proxy #232).
func (ss *session) helo(arg string) bool {
	ss.greet("HELO", arg)
	ss.shown = nil
	return ss.send(250, ss.fe.EHLO(ss.secure)[0])
}

func (ss *session) greet(verb, name string) {
	if ss.rec.Greeting == "" {
		ss.rec.Greeting, ss.rec.HeloName = verb, printable(name, 255)
	}
	ss.greeted = true
	ss.tx = nil // EHLO, like RSET, ends a transaction (RFC 5321 section 4.1.4)
}

// offered reports whether the EHLO list in force carries keyword kw.
func (ss *session) offered(kw string) bool {
	return slices.ContainsFunc(ss.shown, func(l string) bool {
		k, _, _ := strings.Cut(l, " ")
		return strings.EqualFold(k, kw)
	})
}

// starttls answers "220 2.0.0 SMTP server ready" (row starttls-ready) and
// runs the handshake.
func (ss *session) starttls(string) bool {
	if ss.secure || ss.mode() == transcript.NoTLS {
		// Not offered (or already on): RFC 5321 4.2.2's text, RFC 3463 5.5.1.
		return ss.send(503, "5.5.1 Bad sequence of commands")
	}
	if ss.r.Buffered() > 0 {
		ss.problem("the device sent bytes after STARTTLS before the reply: discarded (RFC 3207 section 6)")
	}
	if !ss.reply("starttls-ready", nil) {
		return false
	}
	// Bytes sent before the handshake are not replayed into TLS (RFC 3207
	// section 6; the command-injection class of CVE-2011-0411).
	ss.r.Discard(ss.r.Buffered())
	return ss.handshake(transcript.StartTLS)
}

// rset answers "250 2.0.0 Resetting" (row rset-ok).
func (ss *session) rset(string) bool {
	ss.tx = nil
	ss.lookAhead()
	return ss.reply("rset-ok", nil)
}

// noop answers RFC 5321 section 4.1.1.9's "250 OK" with RFC 3463's 2.0.0.
func (ss *session) noop(string) bool { return ss.send(250, "2.0.0 OK") }

// quit answers 221 (row quit-ok) and ends the session.
func (ss *session) quit(string) bool {
	ss.rec.End = "QUIT"
	ss.reply("quit-ok", nil)
	return false
}

// printable keeps a device-chosen string fit for a report: control
// characters escaped, at most n bytes.
func printable(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= n {
			b.WriteString("…")
			break
		}
		if r < ' ' || r == 0x7f {
			b.WriteString("?")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
