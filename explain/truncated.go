package explain

import (
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/internal/lazyre"
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
	empty := res.Verdict.Rule == ruleNoReply // a format's lines with no reply: the words beside them decide
	if res.Verdict.Category != catalog.OK && !empty || ev.d.root == nil || completed(res.Transcript) || closedAfterQuit(res, ev.d.root) {
		return false
	}
	if r := ev.d.root; r.reply == nil && r.err == transcript.KindProtocol && ev.d.stage == transcript.Connect && ev.d.basis != Seen &&
		res.Transcript.Stage(transcript.Banner).Status == transcript.Pass {
		// A client's summary that it could not connect ("SMTP connect()
		// failed", which PHPMailer also prints for a failed AUTH) beside a
		// session that connected: the summary is of a later step the
		// capture does not show, not a failure at connect.
		return false
	}
	return empty || !inSession(res.Transcript, ev.d.root)
}

// closedAfterQuit: clue r is the connection closing after the session's
// QUIT was answered ("221 ... closing", then telnet's "Connection closed
// by foreign host."): the end of a session, not a failure it states.
func closedAfterQuit(res *Result, r *clue) bool {
	return r.reply == nil && (r.err == transcript.KindClosed || r.err == transcript.KindReset) &&
		res.Transcript != nil && res.Transcript.Stage(transcript.Quit).Status == transcript.Pass
}

// inSession: the session's own lines hold clue r (a refusal it recovered
// from, an error it already read).
func inSession(t *transcript.Transcript, r *clue) bool {
	if r.reply == nil {
		return shownIn(t, r.text)
	}
	line := r.reply.Line()
	for _, l := range t.Lines {
		if strings.Contains(l.Text, line) {
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

// reportedErrorRE: the words of someone reporting a failure ("I get an
// error code 296", "it fails", "cannot send", "doesn't work").
var reportedErrorRE = lazyre.OnDemand(`(?i)\b(?:error|errors|fails?|failed|failing|failure|cannot|can't|couldn't|could not|unable to|does(?:n't| not) work|not working|won't)\b`)

// noErrorRE: a report that there was no error ("failing without any
// errors"): the reporter saw nothing fail, the session shown may be all.
var noErrorRE = lazyre.OnDemand(`(?i)\bwithout (?:any )?errors?\b|\bno errors?\b|\bnot any errors?\b`)

// reportedBeyond is the line, outside the session's own lines, where the
// paste reports a failure in words no rule reads ("When trying to add an
// Office 365 account, I get an error code 296"), "" when none does.
func reportedBeyond(t *transcript.Transcript, lines []string) string {
	for _, l := range lines {
		s := strings.TrimSpace(window(l, 0, maxLineScan))
		if s == "" || startsReply(s) || stageOfCommand(s, false) != "" || !reportedErrorRE.MatchString(s) || noErrorRE.MatchString(s) {
			continue
		}
		if !shownIn(t, s) {
			return s
		}
	}
	return ""
}

// shownIn: the session's lines hold s.
func shownIn(t *transcript.Transcript, s string) bool {
	for _, l := range t.Lines {
		if l.Text != "" && strings.Contains(s, l.Text) {
			return true
		}
	}
	return false
}

// undecidedCut turns the ok of a clean session cut mid-session into "not
// enough evidence" when the paste reports a failure it does not show: the
// capture ends before the failure, so it proves nothing either way. The
// session stays in the result; what to capture next is said.
func undecidedCut(res *Result, lines []string) {
	if res.Verdict.Category != catalog.OK || completed(res.Transcript) {
		return
	}
	last := lastShown(res.Transcript)
	if last == "" || last == transcript.Unstaged || accepted(res.Transcript) {
		return // no session shown, or the message was taken: nothing was cut
	}
	said := reportedBeyond(res.Transcript, lines)
	if said == "" {
		return
	}
	res.SetAside = append(res.SetAside, SetAside{Line: res.Verdict.Evidence,
		Why: "the capture stops after " + string(last) + " without a failure, so it does not show the failure the text reports"})
	res.Verdict = diagnosis.Verdict{Category: NoEvidence, Stage: transcript.Unstaged, Step: 10, Rule: "explain:cut-before-failure",
		Finding: "the capture shows a working session up to " + string(last) + ", then stops; the text reports a failure it does not show (" + short(strconv.Quote(said)) + "): not enough evidence to say which step failed",
		Next:    "capture the whole session up to the failure (the application's SMTP debug log from connect to the error) and explain that"}
	res.Basis = StageBasis{Basis: Unknown}
}

// accepted: a reply in t says the message was taken for delivery
// (Exchange's "250 2.6.0 <id> ... Queued mail for delivery", RFC 3463's
// X.6.0 on a success), wherever the capture placed it.
func accepted(t *transcript.Transcript) bool {
	for _, st := range t.Stages {
		if r := st.Reply; r != nil && r.Class() == 2 && (strings.HasPrefix(r.Enhanced, "2.6.") || strings.Contains(strings.ToLower(r.Text()), "queued mail for delivery")) {
			return true
		}
	}
	return false
}
