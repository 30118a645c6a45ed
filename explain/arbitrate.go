package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// When a known format claims a paste, the generic reader may still know
// better: the format's failure is a wrapper or a consequence, the
// session it read worked while the paste holds an error beside it, or
// the session's own failure was logged in words the format does not read.

// errorBeside reports whether a format's session shows no failure while
// the paste holds a failure outside it: a reply the session's lines do
// not hold, or an error the format did not read.
func errorBeside(res *Result, ev *evidence) bool {
	if res.Verdict.Category != catalog.OK || ev.d.root == nil {
		return false
	}
	r := ev.d.root
	for _, l := range res.Transcript.Lines {
		if r.reply != nil && strings.Contains(l.Text, r.reply.Line()) || r.reply == nil && len(strings.TrimSpace(l.Text)) > 3 && strings.Contains(r.text, l.Text) {
			return false // the session shows it (and recovered from it); DATA's lone "." is in any sentence
		}
	}
	if r.reply == nil {
		if closedAfterQuit(res, r) {
			return false // truncated.go
		}
		return r.weight > 0 // a definite socket, DNS or TLS error
	}
	st, _, _ := stageOf(r)
	return st != transcript.Unstaged // a reply the text places, or the catalog knows
}

// failureAfter reports whether the generic reader's root, an error without
// a reply, comes right after the last line of the format's session (the
// session's own failure), not before it or far from it (a control test
// pasted beside the error).
func failureAfter(res *Result, ev *evidence, lines []string) bool {
	r := ev.d.root
	if r.reply != nil || len(res.Transcript.Lines) == 0 {
		return false
	}
	end := sessionEnd(res.Transcript, lines)
	at := ev.lines[r.at].first
	return end >= 0 && at > end && at-end <= 3
}

// sessionEnd is the index of the physical line that holds the last
// protocol line of t, -1 when none is found.
func sessionEnd(t *transcript.Transcript, lines []string) int {
	for k := len(t.Lines) - 1; k >= 0 && k >= len(t.Lines)-3; k-- {
		text := strings.TrimSpace(t.Lines[k].Text)
		if text == "" || text == transcript.Redacted {
			continue
		}
		for i := len(lines) - 1; i >= 0; i-- {
			if strings.Contains(lines[i], text) {
				return i
			}
		}
	}
	return -1
}

// wantsGeneric reports whether the generic reader should decide instead
// of the format that claimed the paste: the format's failing reply is a
// wrapper or a consequence the generic reader set aside for a root cause,
// or the format placed its failure at no stage while the text names one.
func wantsGeneric(res *Result, ev *evidence) bool {
	if ev.d.root == nil {
		return false
	}
	f, failed := res.Transcript.Failed()
	if !failed {
		return false
	}
	line := ""
	switch {
	case f.Reply != nil:
		line = f.Reply.Line()
	case f.Err != nil:
		line = f.Err.Text
	}
	if f.Reply == nil && ev.d.root.reply != nil {
		return true // the server's reply says more than the client's error
	}
	if r := ev.d.root; r.local != nil && line != "" && strings.Contains(r.text, line) {
		return true // the session's refusal is the one the local server logged as its own
	}
	if r := ev.d.root; f.Err != nil && r.reply == nil && r.weight > 0 && microsoftText(r.line) && !microsoftText(f.Err.Text) && !strings.Contains(r.text, f.Err.Text) {
		return true // the Microsoft hop's failure, not another host's the format read first
	}
	if r := ev.d.root; f.Reply != nil && r.reply != nil && microsoftHop(r) && !microsoftText(f.Reply.Text()) &&
		(r.reply.Code != f.Reply.Code || r.reply.Enhanced != f.Reply.Enhanced) {
		return true // a Microsoft host's refusal, not another host's the format read last (a relay's log of several deliveries)
	}
	for _, a := range ev.d.aside {
		if a.root && line != "" && (strings.Contains(a.Line, line) || strings.Contains(line, a.Line)) {
			return true
		}
	}
	if r := ev.d.root; f.Err != nil && r.reply == nil && ev.d.basis == Seen && res.Basis.Basis != Seen && ev.d.stage != f.Stage {
		return true // the format guessed the step; the error's own words name it
	}
	if r := ev.d.root; f.Err != nil && f.Err.Kind == transcript.KindProtocol && r.reply == nil && res.Basis.Basis != Seen &&
		ev.d.stage != "" && ev.d.stage != transcript.Unstaged && ev.d.stage != f.Stage {
		return true // an error the format could not classify, at a step it guessed; the words name what failed
	}
	return f.Stage == transcript.Unstaged && ev.d.basis == Seen
}

// tlsAfterStartTLS reports whether the format's session stops at STARTTLS
// (sent, or accepted, and nothing after it) while the paste states a TLS
// failure elsewhere (a title's "handshake failed"): the failure is that
// session's own next step, not an error beside a working control.
func tlsAfterStartTLS(res *Result, ev *evidence) bool {
	r := ev.d.root
	if r.reply != nil || r.err != transcript.KindTLS {
		return false
	}
	t := res.Transcript
	if st := t.Stage(transcript.STARTTLS); st.Status == transcript.Pass && lastShown(t) == transcript.STARTTLS {
		return true // accepted, and nothing after it
	}
	for k := len(t.Lines) - 1; k >= 0; k-- {
		if l := t.Lines[k]; strings.TrimSpace(l.Text) != "" {
			return l.Dir == transcript.Client && stageOfCommand(l.Text, false) == transcript.STARTTLS // sent, never answered
		}
	}
	return false
}
