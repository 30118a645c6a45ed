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

// hexRun16 reports whether s holds a word of exactly 16 upper-case hex
// digits (a word: a maximal run of letters, digits and '_', as \b sees
// it); a store diagnostic's 40-digit counter is not one.
func hexRun16(s string) bool {
	for i := 0; i < len(s); {
		if !isWord(s[i]) {
			i++
			continue
		}
		j, hex := i, true
		for j < len(s) && isWord(s[j]) {
			hex = hex && isUpperHex(s[j])
			j++
		}
		if hex && j-i == 16 {
			return true
		}
		i = j
	}
	return false
}

// fourGroups reports whether s holds four groups of digits joined by
// single dots (in a run of digits and dots), as every IPv4 address does.
func fourGroups(s string) bool {
	groups := 0 // non-empty digit groups in a row, each after a single dot
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if i == 0 || s[i-1] < '0' || s[i-1] > '9' {
				if i == 0 || s[i-1] != '.' {
					groups = 0
				}
				if groups++; groups == 4 {
					return true
				}
			}
		case c == '.' && i > 0 && s[i-1] >= '0' && s[i-1] <= '9':
		default:
			groups = 0
		}
	}
	return false
}

// weekdayComma reports whether s holds "Mon, " or another weekday's, as
// an RFC 1123 date starts.
func weekdayComma(s string) bool {
	for i := 3; i+1 < len(s); i++ {
		if s[i] != ',' || s[i+1] != ' ' {
			continue
		}
		switch s[i-3 : i] {
		case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
			return true
		}
	}
	return false
}

// isoDate reports whether s holds "dddd-dd-ddT", as an ISO 8601
// timestamp starts.
func isoDate(s string) bool {
	for i := 10; i < len(s); i++ {
		if s[i] == 'T' && s[i-3] == '-' && s[i-6] == '-' && isDigits(s[i-10:i-6]) && isDigits(s[i-5:i-3]) && isDigits(s[i-2:i]) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isWord(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_'
}

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
