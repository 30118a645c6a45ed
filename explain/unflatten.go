package explain

import (
	"strings"
	"unicode/utf8"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// A log a web form or a chat ran into one line ("S: 220 ... C: EHLO ...
// S: 250 ..."), alone or among the reporter's words, and the same line
// after a mail client wrapped it: unpaste's step that splits it back at
// its records.

// recordMarkRE: where a record of a protocol log starts inside a line the
// paste ran together: a direction marker of the logs the readers know
// ("S: ", "C: ", "SERVER -> CLIENT: ", "SMTP<< "; not a packet dump's "-->",
// which Email OAuth 2.0 Proxy writes inside its records) or a log
// entry's date ("2024-03-13 13:35:06 ", "[2024-01-10 10:00:01] ", a
// syslog record's "Oct 11 03:58:22 ").
var recordMarkRE = lazyre.OnDemand(`\s(?:[SC]: |(?:SERVER -> CLIENT|CLIENT -> SERVER): |SMTP(?:<<|>>) |\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d )`)

// stampOnlyRE: a piece that is only a log entry's date and time.
var stampOnlyRE = lazyre.OnDemand(`^\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[\d.,:+Z-]*\]?$`)

// unflatten splits each line that holds a log run together back into its
// records, when it holds at least three records of the same kind (a web
// form's one-line paste, or one such line among the reporter's words); a
// text that is one line a mail client then wrapped is rejoined first.
// Lines over 1 MB are left as they are.
func unflatten(lines []string) []string {
	if nonBlank(lines) > 4 {
		// A text run together that a mail client then wrapped at a
		// fixed width: rejoin the one line, then split it at its records
		// if it is a log.
		if l, ok := wrappedLine(lines); ok {
			return splitRecords([]string{l})
		}
	}
	return splitRecords(lines)
}

// splitRecords splits each line that holds at least three records of one
// log's kind at them.
func splitRecords(lines []string) []string {
	var out []string
	changed := false
	for _, l := range lines {
		if len(l) < 160 || len(l) > 1<<20 {
			out = append(out, l)
			continue
		}
		if fewMarks(l) {
			out = append(out, l)
			continue
		}
		locs := recordMarkRE.Regexp().FindAllStringIndex(l, 4096)
		if len(locs) < 3 || !sameMarks(l, locs) {
			out = append(out, l)
			continue
		}
		prev := 0
		for _, loc := range locs {
			piece := strings.TrimSpace(l[prev:loc[0]])
			if stampOnlyRE.MatchString(piece) {
				continue // a record's date before its arrow: one record
			}
			out = append(out, piece)
			prev = loc[0] + 1
		}
		out = append(out, strings.TrimSpace(l[prev:]))
		changed = true
	}
	if !changed {
		return lines
	}
	return out
}

// wrappedLine rejoins a text that is one line broken at a fixed width:
// no blank line inside it, and every break where a greedy wrap makes one
// (the next line's first word would not have fitted, reflow.go's rule).
// A log whose records merely have similar lengths breaks that rule at
// some record.
func wrappedLine(lines []string) (string, bool) {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	w, _ := wrapWidth(lines)
	if w == 0 || len(lines)*w > 1<<20 {
		return "", false
	}
	for i := 1; i < len(lines); i++ {
		prev, next := strings.TrimRight(lines[i-1], " \t"), lines[i]
		first, _, _ := strings.Cut(next, " ")
		if prev == "" || next == "" || utf8.RuneCountInString(prev)+1+utf8.RuneCountInString(first) <= w-2 {
			return "", false
		}
	}
	return strings.Join(lines, " "), true
}

// fewMarks: l holds fewer than three places where recordMarkRE could
// match, by a count of its fixed strings and of "dddd-dd-dd" dates: most
// long lines (prose, JSON, noise) are passed by this without the
// expression.
func fewMarks(l string) bool {
	n := 0
	for _, m := range []string{"S: ", "C: ", "CLIENT: ", "SERVER: ", "SMTP<< ", "SMTP>> "} {
		n += strings.Count(l, m)
	}
	for _, m := range months {
		if n >= 3 {
			break
		}
		n += strings.Count(l, m)
	}
	for i := 0; n < 3; {
		j := strings.IndexByte(l[i:], '-')
		if j < 0 {
			break
		}
		k := i + j
		if k >= 4 && k+6 <= len(l) && isDigit(l[k-1]) && isDigit(l[k-4]) && isDigit(l[k+1]) && l[k+3] == '-' {
			n++
		}
		i = k + 1
	}
	return n < 3
}

// months start a syslog record's date.
var months = []string{" Jan ", " Feb ", " Mar ", " Apr ", " May ", " Jun ", " Jul ", " Aug ", " Sep ", " Oct ", " Nov ", " Dec "}

// sameMarks: the marks found are of one log's kind, the commonest kind
// holding most of them (a date and an arrow may go together: "2024-03-13
// 13:35:06 SERVER -> CLIENT: 220 ..."), not a scatter of one of each.
func sameMarks(l string, locs [][]int) bool {
	kinds := map[byte]int{}
	for _, loc := range locs {
		k := l[loc[0]+1]
		switch {
		case k == '[' || isDigit(k):
			k = '0'
		case isLower(l[loc[0]+2]):
			k = 'm' // a syslog date ("Sep"), not "S: " or "SERVER"
		}
		kinds[k]++
	}
	most := 0
	for _, n := range kinds {
		most = max(most, n)
	}
	return most >= 3
}
