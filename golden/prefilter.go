package golden

import (
	"strings"
	"unicode/utf8"
)

// The scrubbers' prefilters (scrubber.may): each is true of every line its
// scrubber's expression can match, and false of most lines.

func contains(lit string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, lit) }
}

// containsFold is contains for an ASCII lower-case literal, ignoring
// case as the (?i) expressions do. A line with any non-ASCII byte is a
// possible match: Unicode folds k and s from runes of other lengths
// (K, ſ), which a byte-wise comparison would miss.
func containsFold(lit string) func(string) bool {
	return func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return true
			}
		}
		for i := 0; i+len(lit) <= len(s); i++ {
			if strings.EqualFold(s[i:i+len(lit)], lit) {
				return true
			}
		}
		return false
	}
}

// hexRun16 reports whether s holds 16 upper-case hex digits in a row.
func hexRun16(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if isUpperHex(s[i]) {
			if run++; run >= 16 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// threeDots reports whether s holds at least three dots (a dotted quad's).
func threeDots(s string) bool { return strings.Count(s, ".") >= 3 }

// diagItem reports whether s holds "<digit>:" and then 8 upper-case hex
// digits or "<TOKEN>": the middle of a store diagnostic counter such as
// 0.35250:1F009983.
func diagItem(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != ':' || s[i-1] < '0' || s[i-1] > '9' {
			continue
		}
		if strings.HasPrefix(s[i+1:], "<TOKEN>") || upperHexRun(s[i+1:], 8) {
			return true
		}
	}
	return false
}

// upperHexRun reports whether s starts with n upper-case hex digits.
func upperHexRun(s string, n int) bool {
	if len(s) < n {
		return false
	}
	for i := 0; i < n; i++ {
		if !isUpperHex(s[i]) {
			return false
		}
	}
	return true
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }
