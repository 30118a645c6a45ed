package explain

import (
	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// textFormat names the generic reader's results ("format": "text").
const textFormat = "text"

// evidence is what the generic reader found in a paste.
type evidence struct {
	lines []logical
	clues []clue
	d     decision
	host  string
	port  int
}

// readEvidence runs the generic reader over a paste: logical lines, clues,
// the decision and the endpoint the text names.
func readEvidence(lines []string) *evidence {
	ls := unfold(lines)
	cs := findClues(ls)
	ev := &evidence{lines: ls, clues: cs, d: decide(ls, cs)}
	ev.host, ev.port = endpointOf(ls)
	return ev
}

// found: the paste holds SMTP evidence of any kind.
func (ev *evidence) found() bool { return ev.d.root != nil || ev.d.last != nil }

// result diagnoses the decisive clue as a partial capture: one stage,
// the rest not shown.
func (ev *evidence) result() *Result {
	b := newBuilder()
	b.host, b.port = ev.host, ev.port
	d := ev.d
	if g := d.greeting; g != nil && (d.root == nil || before(g, d.root)) {
		b.greeting(g.reply)
	}
	switch {
	case d.root != nil && d.root.reply != nil:
		b.reply(d.root.reply, d.stage)
	case d.root != nil:
		b.failure(event{kind: evError, stage: d.stage, err: d.root.err, text: d.root.text})
	case d.greeting != nil && isGreeting(d.last.reply):
		// The greeting (recorded above) is the evidence; a later 220 is
		// another line of it or of another session's.
	default:
		st, _, _ := stageOf(d.last)
		b.reply(d.last.reply, st)
	}
	b.finish()
	res := &Result{Format: textFormat, Transcript: b.t, Input: b.input(), Implied: b.implied}
	res.Input.Partial = true
	res.Verdict = verdict(b, res.Input)
	res.NotShown = notShown(b, res)
	res.SetAside = append(d.aside, b.aside...)
	res.Basis = StageBasis{Basis: d.basis, From: d.from}
	if d.root == nil {
		st, from, basis := stageOf(d.last)
		res.Basis = StageBasis{Basis: basis, From: from}
		if st == transcript.Unstaged {
			res.Basis.Basis = Unknown
		}
	}
	if bs, ok := b.basis[res.Verdict.Stage]; ok && (d.root == nil || res.Verdict.Stage != d.stage) {
		res.Basis = bs // the verdict is not the root clue's (the greeting decided)
	}
	if res.Verdict.Stage == transcript.Unstaged {
		res.Basis = StageBasis{Basis: Unknown}
	}
	if d.root != nil && d.root.word != nil {
		applyWords(res, d.root) // the words' own finding (words.go)
	}
	if d.root != nil && d.root.local != nil && res.Verdict.Category != catalog.OK && !localUnknownRecipient(d.root) {
		applyLocal(res, d.root) // a local server refused its own client (localrelay.go)
	}
	return res
}

// before: clue a comes before clue b in the paste.
func before(a, b *clue) bool { return a.at < b.at || a.at == b.at && a.start < b.start }
