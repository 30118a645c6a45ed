package golden

import (
	"strings"
	"unicode/utf8"
)

// DiffLine is one line of a drift's unified diff, as data a report can
// render with the changed part of a line marked: a 700-character STOREDRV
// refusal whose enhanced code changed is otherwise two long lines that
// look the same.
type DiffLine struct {
	// Op is '@' for a hunk header ("@@ -1,3 +1,3 @@" in Text), ' ' for
	// context, '-' for a line only the stored golden has, '+' for a line
	// only this run's has.
	Op   byte
	Text string // the line without its op
	// Line is the line's number in the stored golden (' ' and '-') or in
	// this run's ('+'); 0 for a hunk header.
	Line int
	// Pair is the index in Drift.Lines of the line this one replaces or is
	// replaced by ('-' with '+'), -1 when it has none (a line only added
	// or only removed).
	Pair int
	// Marks are the parts of Text that its pair does not have, whole
	// words, in order; nil without a pair.
	Marks []Span
}

// Span is the byte range [Start, End) of a line.
type Span struct{ Start, End int }

// LineChange is a changed line: the stored golden's and this run's.
type LineChange struct{ Old, New DiffLine }

// Changes lists the changed lines of d, in order: every '-' line with its
// '+' pair.
func (d *Drift) Changes() []LineChange {
	var out []LineChange
	for _, l := range d.Lines {
		if l.Op == '-' && l.Pair >= 0 {
			out = append(out, LineChange{l, d.Lines[l.Pair]})
		}
	}
	return out
}

// pairLines pairs, in each run of '-' lines followed by '+' lines, the
// removed lines with the added ones that replace them, and marks the
// words that differ. Equal numbers pair in order; otherwise each removed
// line takes the most similar added line after the previous pair's, if
// they share at least a third of their words.
func pairLines(lines []DiffLine) {
	for i := 0; i < len(lines); {
		if lines[i].Op != '-' {
			i++
			continue
		}
		dels := i
		for i < len(lines) && lines[i].Op == '-' {
			i++
		}
		adds := i
		for i < len(lines) && lines[i].Op == '+' {
			i++
		}
		pairRun(lines, dels, adds, i)
	}
}

// pairRun pairs lines[dels:adds] ('-') with lines[adds:end] ('+').
func pairRun(lines []DiffLine, dels, adds, end int) {
	even := adds-dels == end-adds
	next := adds
	for d := dels; d < adds && next < end; d++ {
		best := adds + d - dels
		if !even {
			score := 0.0
			best = -1
			for a := next; a < end; a++ {
				if s := similarity(lines[d].Text, lines[a].Text); s > score {
					best, score = a, s
				}
			}
			if best < 0 || score < 1.0/3 {
				continue
			}
		}
		lines[d].Pair, lines[best].Pair = best, d
		lines[d].Marks, lines[best].Marks = wordMarks(lines[d].Text, lines[best].Text)
		next = best + 1
	}
}

// similarity is the share of a's and b's words they have in common, in order.
func similarity(a, b string) float64 {
	ta, tb := words(a), words(b)
	if len(ta)+len(tb) == 0 {
		return 1
	}
	return 2 * float64(len(commonWords(a, b, ta, tb))) / float64(len(ta)+len(tb))
}

// maxWordCells bounds the word LCS table (a 600-word line against
// another); longer pairs are marked from their common prefix and suffix.
const maxWordCells = 400_000

// wordMarks returns the spans of a not in b and of b not in a, in whole
// words (runs of non-space); spaces between two marked words are marked
// too, so a changed phrase is one mark.
func wordMarks(a, b string) (ma, mb []Span) {
	ta, tb := words(a), words(b)
	if len(ta)*len(tb) > maxWordCells {
		return affixMarks(a, b)
	}
	inA, inB := make([]bool, len(ta)), make([]bool, len(tb))
	for _, p := range commonWords(a, b, ta, tb) {
		inA[p[0]], inB[p[1]] = true, true
	}
	return spansOf(ta, inA), spansOf(tb, inB)
}

// affixMarks marks what lies between the common prefix and suffix.
func affixMarks(a, b string) (ma, mb []Span) {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	if p < len(a)-s {
		ma = []Span{{p, len(a) - s}}
	}
	if p < len(b)-s {
		mb = []Span{{p, len(b) - s}}
	}
	return ma, mb
}

// words splits s into its words, as spans: runs of bytes other than space.
func words(s string) []Span {
	var out []Span
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			j = len(s) - i
		}
		out = append(out, Span{i, i + j})
		i += j
	}
	return out
}

// commonWords is the longest common subsequence of the words ta of a
// and tb of b, as index pairs; nil when the table would be too large.
func commonWords(a, b string, ta, tb []Span) [][2]int {
	if len(ta)*len(tb) > maxWordCells {
		return nil
	}
	w := len(tb) + 1
	lcs := make([]int32, (len(ta)+1)*w) // lcs[i*w+j]: LCS of ta[i:] and tb[j:]
	for i := len(ta) - 1; i >= 0; i-- {
		for j := len(tb) - 1; j >= 0; j-- {
			if a[ta[i].Start:ta[i].End] == b[tb[j].Start:tb[j].End] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < len(ta) && j < len(tb); {
		switch {
		case a[ta[i].Start:ta[i].End] == b[tb[j].Start:tb[j].End]:
			out = append(out, [2]int{i, j})
			i++
			j++
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// spansOf merges the unmatched words of ws into marks.
func spansOf(ws []Span, matched []bool) []Span {
	var out []Span
	for i, w := range ws {
		if matched[i] {
			continue
		}
		if n := len(out); n > 0 && i > 0 && !matched[i-1] {
			out[n-1].End = w.End
			continue
		}
		out = append(out, w)
	}
	return out
}

// cut returns at most n bytes of s from its start (or end, when fromEnd),
// on a rune boundary, and whether anything was left out.
func cut(s string, n int, fromEnd bool) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	if fromEnd {
		i := len(s) - n
		for i < len(s) && !utf8.RuneStart(s[i]) {
			i++
		}
		return s[i:], true
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i], true
}
