package golden

import "strings"

// WordDiff is the change from c.Old to c.New in one line: the words only
// the golden has as [-...-], those only this run has as {+...+} (git's
// word-diff notation), with long unchanged stretches cut to ctx bytes
// around each change ("…"), so the difference is in view however long
// the line: "S: 554 [-5.2.0-]{+5.2.252+} STOREDRV.Submissio…". A change of
// more than 2*ctx bytes keeps its start and end.
func (c LineChange) WordDiff(ctx int) string {
	segs := segments(c.Old.Text, c.New.Text)
	var b strings.Builder
	for i, s := range segs {
		switch s.op {
		case '-':
			b.WriteString("[-" + elideMiddle(s.text, ctx) + "-]")
		case '+':
			b.WriteString("{+" + elideMiddle(s.text, ctx) + "+}")
		default:
			b.WriteString(elideContext(s.text, ctx, i == 0, i == len(segs)-1))
		}
	}
	return b.String()
}

// A segment is a run of text both lines have (' '), only the old one
// ('-') or only the new one ('+').
type segment struct {
	op   byte
	text string
}

// segments aligns a and b word by word (or by common prefix and suffix
// for lines too long to align) into equal, removed and added runs.
func segments(a, b string) []segment {
	ta, tb := words(a), words(b)
	common := commonWords(a, b, ta, tb)
	if common == nil && len(ta)*len(tb) > maxWordCells {
		return affixSegments(a, b)
	}
	var out []segment
	add := func(op byte, text string) {
		if text == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].op == op {
			out[n-1].text += text
			return
		}
		out = append(out, segment{op, text})
	}
	endA, endB := 0, 0
	gap := func(startA, startB int) {
		ga, gb := a[endA:startA], b[endB:startB]
		lead := min(leadingSpaces(ga), leadingSpaces(gb))
		trail := min(trailingSpaces(ga[lead:]), trailingSpaces(gb[lead:]))
		add(' ', ga[:lead])
		add('-', ga[lead:len(ga)-trail])
		add('+', gb[lead:len(gb)-trail])
		add(' ', ga[len(ga)-trail:])
	}
	for _, p := range common {
		wa, wb := ta[p[0]], tb[p[1]]
		gap(wa.Start, wb.Start)
		add(' ', a[wa.Start:wa.End])
		endA, endB = wa.End, wb.End
	}
	gap(len(a), len(b))
	return out
}

// affixSegments splits a and b into their common prefix, what differs,
// and their common suffix.
func affixSegments(a, b string) []segment {
	ma, mb := affixMarks(a, b)
	p, s := len(a), 0
	if len(ma) > 0 {
		p, s = ma[0].Start, len(a)-ma[0].End
	} else if len(mb) > 0 {
		p, s = mb[0].Start, len(b)-mb[0].End
	}
	var out []segment
	for _, sg := range []segment{{' ', a[:p]}, {'-', a[p : len(a)-s]}, {'+', b[p : len(b)-s]}, {' ', a[len(a)-s:]}} {
		if sg.text != "" {
			out = append(out, sg)
		}
	}
	return out
}

// elideMiddle keeps ctx bytes at each end of a long s.
func elideMiddle(s string, ctx int) string {
	if len(s) <= 2*ctx+1 {
		return s
	}
	head, _ := cut(s, ctx, false)
	tail, _ := cut(s, ctx, true)
	return head + "…" + tail
}

// elideContext shortens unchanged text: the line's start keeps its first
// ctx/2 bytes (the direction and reply code) and the ctx before the first
// change; text between changes keeps ctx on each side; the line's end
// keeps the ctx after the last change.
func elideContext(s string, ctx int, first, last bool) string {
	switch {
	case first && last:
		return s
	case first:
		if len(s) <= ctx/2+ctx+1 {
			return s
		}
		head, _ := cut(s, ctx/2, false)
		tail, _ := cut(s, ctx, true)
		return head + "…" + tail
	case last:
		if head, cutOff := cut(s, ctx, false); cutOff {
			return head + "…"
		}
		return s
	}
	return elideMiddle(s, ctx)
}

func leadingSpaces(s string) int  { return len(s) - len(strings.TrimLeft(s, " ")) }
func trailingSpaces(s string) int { return len(s) - len(strings.TrimRight(s, " ")) }
