package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// A capture is proof of a working session only when the session
// demonstrably completed: the message accepted after DATA, or the
// envelope accepted and the session closed. A clean log that stops
// mid-session (a pasted excerpt cut after STARTTLS or the second EHLO)
// shows no failure, but says nothing against the failure the rest of the
// paste states: a title's "Password command failed", the reporter's
// "authentication failed".

// completed: the session t shows reached its end.
func completed(t *transcript.Transcript) bool {
	if t.Stage(transcript.Data).Status == transcript.Pass {
		return true
	}
	quit := t.Stage(transcript.Quit)
	return t.Stage(transcript.Rcpt).Status == transcript.Pass && quit.Status != "" && quit.Status != transcript.Skip
}

// cutShort reports whether a format's clean session stops mid-session
// while the paste states a failure outside it (any failure the generic
// reader found, the reporter's words included).
func cutShort(res *Result, ev *evidence) bool {
	if res.Verdict.Category != catalog.OK || ev.d.root == nil || completed(res.Transcript) {
		return false
	}
	return !inSession(res.Transcript, ev.d.root)
}

// inSession: the session's own lines hold clue r (a refusal it recovered
// from, an error it already read).
func inSession(t *transcript.Transcript, r *clue) bool {
	for _, l := range t.Lines {
		if r.reply != nil && strings.Contains(l.Text, r.reply.Line()) || r.reply == nil && l.Text != "" && strings.Contains(r.text, l.Text) {
			return true
		}
	}
	return false
}

// statedFailure is the generic reader's result for a session cut short,
// with the session set aside and why.
func statedFailure(session *Result, ev *evidence) *Result {
	res := ev.result()
	why := "the " + session.Format + " capture stops mid-session"
	if last := lastShown(session.Transcript); last != "" {
		why += " (after " + string(last) + ")"
	}
	res.SetAside = append(res.SetAside, SetAside{Line: session.Verdict.Evidence, Why: why + " without a failure: the failure the text states decides"})
	return res
}

// lastShown is the last stage the capture shows.
func lastShown(t *transcript.Transcript) transcript.Stage {
	var last transcript.Stage
	for _, s := range t.Stages {
		if s.Status != transcript.Skip && s.Note == "" && s.Stage != transcript.Quit {
			last = s.Stage
		}
	}
	return last
}
