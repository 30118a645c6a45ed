package report

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/golden"
)

// How the drift sections show a changed line's difference (golden's
// LineChange.WordDiff): wordContext bytes of unchanged text around each
// change in full reports, a shorter cut in one-line messages (JUnit's
// failure message, which CI pages show in lists).
const (
	wordContext    = 24
	messageContext = 16
)

// textPart is a piece of a diff line, marked when the line's counterpart
// does not have it.
type textPart struct {
	Text string
	Mark bool
}

// parts splits a diff line's text at its marks.
func parts(l golden.DiffLine) []textPart {
	var out []textPart
	at := 0
	for _, m := range l.Marks {
		if m.Start > at {
			out = append(out, textPart{l.Text[at:m.Start], false})
		}
		out = append(out, textPart{l.Text[m.Start:m.End], true})
		at = m.End
	}
	if at < len(l.Text) || len(out) == 0 {
		out = append(out, textPart{l.Text[at:], false})
	}
	return out
}

// diffLineText is a diff line as unified diff text ("-S: 250 ..."), with
// each mark between on and off ("" and "" for none).
func diffLineText(l golden.DiffLine, on, off string) string {
	if l.Op == '@' {
		return l.Text
	}
	var b strings.Builder
	b.WriteByte(l.Op)
	for _, p := range parts(l) {
		if p.Mark && on != "" {
			b.WriteString(on + p.Text + off)
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// changeLines are the drift's changed lines, one per line, as "golden
// line 53: S: 554 [-5.2.0-]{+5.2.252+} STOREDRV…": what changed, in view
// however long the line.
func changeLines(d *golden.Drift) []string {
	var out []string
	for _, c := range d.Changes() {
		out = append(out, fmt.Sprintf("golden line %d: %s", c.Old.Line, c.WordDiff(wordContext)))
	}
	return out
}

// firstChange is the drift's first changed line in short, for a one-line
// message; "" when lines were only added or removed.
func firstChange(d *golden.Drift) string {
	cs := d.Changes()
	if len(cs) == 0 {
		return ""
	}
	s := fmt.Sprintf("golden line %d: %s", cs[0].Old.Line, cs[0].WordDiff(messageContext))
	if len(cs) > 1 {
		s += fmt.Sprintf(" (and %d more changed line(s))", len(cs)-1)
	}
	return s
}
