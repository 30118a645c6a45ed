package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// How the clues of one line, and of lines in a row, relate: a reply
// quoted inside another, a reply said twice, a multi-line reply.

// nestClues marks clues that sit inside an earlier clue's text on the
// same line: the reply a relay, a DSN or a library quotes ("5.7.57 ...
// Error: 535 5.7.139 ...", "4.4.0 ... responded with: \"421 4.7.66\"").
func nestClues(cs []clue) []clue {
	cs = dropRepeats(cs)
	for i := range cs {
		for j := 0; j < i; j++ {
			if cs[j].reply != nil && cs[i].start > cs[j].start && cs[i].start < cs[j].end {
				cs[i].inner, cs[i].outer = true, j
			}
		}
	}
	return cs
}

// dropRepeats removes a reply that repeats an earlier one of its line
// ("Error: Message failed: 432 4.3.2 ... at: Error: Message failed: 432
// 4.3.2 ...", a log writing the message and then the error's text): the
// same reply said twice is one piece of evidence, not a wrapper and its
// quote. The first one's text ends where the repetition starts.
func dropRepeats(cs []clue) []clue {
	out := cs[:0]
	for _, c := range cs {
		if n := len(out); n > 0 && c.reply != nil && out[n-1].reply != nil && c.start < out[n-1].end && sameReply(out[n-1].reply, c.reply) {
			p := &out[n-1]
			text := strings.TrimLeft(p.line[p.start+3:c.start], " -:,")
			if p.reply.Code == 0 {
				text = p.line[p.start:c.start]
			}
			text = trimRepeatTail(text, p.line[:p.start])
			p.end = c.start
			p.reply.Lines = []string{text}
			p.text = p.reply.Line()
			continue
		}
		out = append(out, c)
	}
	return out
}

// sameReply: two replies with the same code, enhanced code and opening
// words.
func sameReply(a, b *transcript.Reply) bool {
	at, bt := a.Text(), b.Text()
	n := min(len(at), len(bt), 40)
	return a.Code == b.Code && a.Enhanced == b.Enhanced && n >= 8 && at[:n] == bt[:n]
}

// trimRepeatTail drops the words between a reply and its repetition: the
// ones that introduced the reply the first time (intro ends with them,
// "Error: Message failed: ") and a joining "at:".
func trimRepeatTail(text, intro string) string {
	text = strings.TrimRight(text, " ")
	for k := min(len(intro), 48); k >= 4; k-- {
		if k < len(intro) && intro[len(intro)-k-1] != ' ' {
			continue // the words start at a word
		}
		if strings.HasSuffix(text, strings.TrimRight(intro[len(intro)-k:], " ")) {
			text = strings.TrimSuffix(text, strings.TrimRight(intro[len(intro)-k:], " "))
			break
		}
	}
	text = strings.TrimRight(text, " :")
	return strings.TrimRight(strings.TrimSuffix(text, " at"), " :")
}

// sortClues orders one line's clues by position (a handful: insertion).
func sortClues(cs []clue) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].start < cs[j-1].start; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// mergeMultiline joins the lines of one multi-line reply ("550-5.7.1 a" on
// one line, "550 5.7.1 b" on the next) into one clue.
func mergeMultiline(cs []clue) []clue {
	var out []clue
	for _, c := range cs {
		if n := len(out); n > 0 && c.reply != nil && out[n-1].reply != nil && c.at == out[n-1].at+1 &&
			c.reply.Code == out[n-1].reply.Code && dashed(out[n-1]) && !c.inner && !out[n-1].inner {
			p := &out[n-1]
			p.reply.Lines = append(p.reply.Lines, c.reply.Lines...)
			p.text += " " + strings.Join(c.reply.Lines, " ")
			p.at = c.at
			p.line, p.start, p.end = c.line, c.start, c.end
			continue
		}
		out = append(out, c)
	}
	return out
}

// dashed: the clue's reply line had "-" after its code (more lines follow).
func dashed(c clue) bool {
	return c.start+3 < len(c.line) && c.line[c.start+3] == '-'
}
