package explain

import "strings"

// A fixed sentence of a library or of Microsoft's replies, as a person
// pastes it: in another case, inside their own prose, with one word
// mistyped ("Unable to connect to the remove server") or a short word
// dropped or added ("the client is not authenticated"). A phrase is
// matched word by word: punctuation and case between the words do not
// count, a placeholder word matches any one word, and a phrase of four
// words or more allows one edit: a word off by a typo (one letter in a
// word of up to five, two in a longer one), or a word of up to three
// letters missing or extra. The rest of the sentence must be exact, so
// the edit never makes another sentence out of it.

// phrase is one sentence, in lower-case words ("" a placeholder).
type phrase struct {
	text  string
	words []string
	keys  []keyword // the lexicon's pre-filter: a line that holds the phrase with one edit holds one of them
}

// minTolerant is the length from which a phrase allows one edit.
const minTolerant = 4

// newPhrase splits s into words; "<X>" stands for any one word. Its keys
// are the longest runs of its two halves' literal words as s spells
// them, one space apart (one edit spoils at most one half; a key is
// looked for as it stands in the paste).
func newPhrase(s string) phrase {
	p := phrase{text: s}
	ts := tokens(s)
	for _, t := range ts {
		w := strings.ToLower(s[t[0]:t[1]])
		if strings.HasPrefix(w, "<") {
			w = ""
		}
		p.words = append(p.words, w)
	}
	mid := len(ts) / 2
	if len(ts) < minTolerant {
		mid = 0 // exact: one key for the whole
	}
	for _, half := range [][2]int{{0, mid}, {mid, len(ts)}} {
		if k := longestRun(s, ts[half[0]:half[1]]); len(k) >= 3 {
			p.keys = append(p.keys, lex.add(k)...)
		}
	}
	return p
}

// longestRun is the longest text of s made of consecutive literal words
// of ts one space apart.
func longestRun(s string, ts [][2]int) string {
	best := ""
	for i := 0; i < len(ts); i++ {
		if s[ts[i][0]] == '<' {
			continue
		}
		j := i
		for j+1 < len(ts) && s[ts[j+1][0]] != '<' && s[ts[j][1]:ts[j+1][0]] == " " {
			j++
		}
		if run := s[ts[i][0]:ts[j][1]]; len(run) > len(best) {
			best = run
		}
		i = j
	}
	return strings.ToLower(best)
}

// lineWords is a line's words, split once for all the phrases looked for
// in it.
type lineWords struct {
	l  string
	ts [][2]int
	ok bool
}

func (w *lineWords) get() [][2]int {
	if !w.ok {
		w.ts, w.ok = tokens(w.l), true
	}
	return w.ts
}

// find returns the byte span of the phrase in lw's line, if it holds it.
func (p *phrase) find(lw *lineWords, ws *wordSet) (int, int, bool) {
	if len(p.keys) == 0 || !ws.any(p.keys) {
		return 0, 0, false
	}
	l, ts := lw.l, lw.get()
	budget := 0
	if len(p.words) >= minTolerant {
		budget = 1
	}
	for i := range ts {
		if end := p.match(l, ts, i, 0, budget); end > i {
			return ts[i][0], ts[end-1][1], true
		}
	}
	return 0, 0, false
}

// match aligns the phrase's words from j with l's tokens from i, with at
// most budget edits; it returns the token index after the match, -1 when
// none.
func (p *phrase) match(l string, ts [][2]int, i, j, budget int) int {
	for j < len(p.words) {
		if i < len(ts) && (p.words[j] == "" || ts[i][1]-ts[i][0] == len(p.words[j]) && equalFoldASCII(l[ts[i][0]:ts[i][1]], p.words[j])) {
			i, j = i+1, j+1
			continue
		}
		if budget == 0 || j == 0 {
			return -1 // the first word is exact: an edit never starts the match
		}
		if i < len(ts) && typo(strings.ToLower(l[ts[i][0]:ts[i][1]]), p.words[j]) {
			if end := p.match(l, ts, i+1, j+1, 0); end >= 0 {
				return end
			}
		}
		if len(p.words[j]) <= 3 {
			if end := p.match(l, ts, i, j+1, 0); end >= 0 {
				return end
			}
		}
		if i < len(ts) && ts[i][1]-ts[i][0] <= 3 {
			return p.match(l, ts, i+1, j, 0)
		}
		return -1
	}
	return i
}

// typo: a is w mistyped (letters off by a small edit distance).
func typo(a, w string) bool {
	if len(w) < 4 || len(a) < 4 {
		return false
	}
	limit := 1
	if len(w) > 5 {
		limit = 2
	}
	return editDistance(a, w, limit) <= limit
}

// editDistance is the Levenshtein distance of a and b, or limit+1 when it
// is larger (the words are short: a row of a small table).
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// maxTokens bounds the words of one line a phrase is looked for in.
const maxTokens = 4096

// tokens returns the byte spans of the words of s: runs of ASCII letters
// and digits, apostrophes inside them, and non-ASCII bytes (a word of
// another script is one word); "<X>" is one word.
func tokens(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s) && len(out) < maxTokens; {
		if s[i] == '<' {
			if j := strings.IndexByte(s[i:], '>'); j > 1 && j < 16 && isWordByte(s[i+1]) {
				out = append(out, [2]int{i, i + j + 1})
				i += j + 1
				continue
			}
		}
		if !wordByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && (wordByte(s[j]) || s[j] == '\'' && j+1 < len(s) && wordByte(s[j+1]) && j > i) {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

func wordByte(c byte) bool { return isLetter(c) || isDigit(c) || c >= 0x80 }
