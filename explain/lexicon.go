package explain

import (
	"strings"
	"sync"
)

// The generic reader looks for a few hundred words (error signs, phrases
// of Microsoft's replies, the endpoint's name, hint words) in every line
// of a paste of up to 8 MiB. Searching for each word in turn, or running
// each expression on each line, costs seconds on such a paste; the
// lexicon finds every word of the set in one pass over the line, so the
// expressions run only on the few lines that hold one of their words.

// keyword is one word of the lexicon.
type keyword uint16

// wordSet is the set of lexicon words a line contains.
type wordSet [maxWords / 64]uint64

const maxWords = 1024

func (s *wordSet) has(k keyword) bool { return s[k/64]&(1<<(k%64)) != 0 }

// intersects reports whether s and m share a word.
func (s *wordSet) intersects(m *wordSet) bool {
	for i := range s {
		if s[i]&m[i] != 0 {
			return true
		}
	}
	return false
}

// any reports whether s holds one of ks.
func (s *wordSet) any(ks []keyword) bool {
	for _, k := range ks {
		if s.has(k) {
			return true
		}
	}
	return false
}

// lexicon is a fixed set of lower-case ASCII words of three bytes or
// more, found in a line ignoring ASCII case. Words are added while the
// package initialises; the first scan freezes the set.
type lexicon struct {
	words []string
	ids   map[string]keyword
	once  sync.Once
	// seen is a bit per 21-bit trigram (7 bits of each of the first
	// three bytes, lower-cased) that starts some word: most positions of
	// a line fail this one test. starts lists the words per trigram.
	seen   []uint64
	starts map[uint32][]keyword
}

// lex is the generic reader's lexicon.
var lex lexicon

// words adds ws to the lexicon and returns their keywords.
func (x *lexicon) add(ws ...string) []keyword {
	if x.seen != nil {
		panic("explain: lexicon word added after the first scan")
	}
	if x.ids == nil {
		x.ids = map[string]keyword{}
	}
	out := make([]keyword, 0, len(ws))
	for _, w := range ws {
		w = strings.ToLower(w)
		if len(w) < 3 || len(x.words) >= maxWords {
			panic("explain: lexicon word too short, or too many words: " + w)
		}
		k, ok := x.ids[w]
		if !ok {
			k = keyword(len(x.words))
			x.ids[w] = k
			x.words = append(x.words, w)
		}
		out = append(out, k)
	}
	return out
}

func (x *lexicon) build() {
	x.seen = make([]uint64, 1<<21/64)
	x.starts = map[uint32][]keyword{}
	for i, w := range x.words {
		t := trigram(w[0], w[1], w[2])
		x.seen[t/64] |= 1 << (t % 64)
		x.starts[t] = append(x.starts[t], keyword(i))
	}
}

// scan returns the words of the lexicon s contains.
func (x *lexicon) scan(s string) wordSet {
	x.once.Do(x.build)
	var found wordSet
	for i := 0; i+3 <= len(s); i++ {
		t := trigram(s[i], s[i+1], s[i+2])
		if x.seen[t/64]&(1<<(t%64)) == 0 {
			continue
		}
		for _, k := range x.starts[t] {
			w := x.words[k]
			if len(s)-i >= len(w) && equalFoldASCII(s[i:i+len(w)], w) {
				found[k/64] |= 1 << (k % 64)
			}
		}
	}
	return found
}

func trigram(a, b, c byte) uint32 {
	return uint32(lower(a)&0x7f)<<14 | uint32(lower(b)&0x7f)<<7 | uint32(lower(c)&0x7f)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFoldASCII compares s with the lower-case word w, ignoring ASCII
// case.
func equalFoldASCII(s, w string) bool {
	for i := 0; i < len(w); i++ {
		if lower(s[i]) != w[i] {
			return false
		}
	}
	return true
}

// replyShape reports whether s may hold an SMTP reply: a three-digit
// number of classes 2 to 5 standing alone, or the start of an enhanced
// status code ("5.7."). Every reply expression of the generic reader
// needs one, and most lines of a log have neither.
func replyShape(s string) bool {
	for i := 0; i+3 <= len(s); i++ {
		c := s[i]
		if c < '2' || c > '5' || i > 0 && isDigit(s[i-1]) {
			continue
		}
		if s[i+1] == '.' && isDigit(s[i+2]) {
			return true
		}
		if isDigit(s[i+1]) && isDigit(s[i+2]) && (i+3 == len(s) || !isDigit(s[i+3])) {
			return true
		}
	}
	return false
}
