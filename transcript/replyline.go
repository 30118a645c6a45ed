package transcript

import (
	"errors"
	"fmt"
)

// The one reader of reply lines and enhanced status codes: the probe
// reads the wire with it, goldens split and reduce lines with it, explain
// reads a capture's server lines with it. Text that only holds replies
// somewhere (an exception, a bounce) is explain's to search.

// ErrNotReplyLine is a line that is not "NNN", "NNN text" or "NNN-text".
var ErrNotReplyLine = errors.New("not a reply line")

// CodeError is a reply line whose three digits are outside 200-599 (RFC
// 5321 section 4.2.1: the first digit is 2 to 5); ParseReplyLine still
// splits the line.
type CodeError struct{ Code int }

func (e *CodeError) Error() string { return fmt.Sprintf("reply code %d outside 200-599", e.Code) }

// ParseReplyLine splits one reply line (RFC 5321 section 4.2): the code,
// whether it is the reply's last line (a space or nothing after the
// code, where "-" continues the reply) and the text after the separator.
// A line that is no reply line gives ErrNotReplyLine; one whose code is
// outside 200-599 gives a *CodeError with the line split as usual.
func ParseReplyLine[T ~string | ~[]byte](line T) (code int, final bool, text T, err error) {
	if len(line) < 3 || !digits(line[:3]) || (len(line) > 3 && line[3] != ' ' && line[3] != '-') {
		return 0, false, text, ErrNotReplyLine
	}
	code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	final = len(line) == 3 || line[3] == ' '
	if len(line) > 3 {
		text = line[4:]
	}
	if code < 200 || code > 599 {
		err = &CodeError{Code: code}
	}
	return code, final, text, err
}

func digits[T ~string | ~[]byte](s T) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseEnhanced returns the RFC 3463 enhanced status code that starts a
// reply's text ("5.7.606" of "5.7.606 Access denied"), or "": class 2, 4
// or 5, subject and detail of one to three digits, then a space or the
// end (RFC 2034). Some middleboxes (Cisco ESA) write "#5.5.1"; the hash
// is accepted and dropped.
func ParseEnhanced(text string) string {
	s := text
	if len(s) > 0 && s[0] == '#' {
		s = s[1:]
	}
	if len(s) < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.' {
		return ""
	}
	subject := digitRun(s[2:])
	if subject == 0 || 2+subject >= len(s) || s[2+subject] != '.' {
		return ""
	}
	end := 3 + subject
	detail := digitRun(s[end:])
	end += detail
	if detail == 0 || (end < len(s) && !isSpace(s[end])) {
		return ""
	}
	return s[:end]
}

// digitRun is the length of the run of digits s starts with, 0 when it is
// longer than three (no subject or detail has more).
func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n > 3 {
		return 0
	}
	return n
}

// isSpace is RE2's \s: what may follow an enhanced code.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// ValidEnhanced reports whether s is an enhanced status code and nothing
// else, as a spec or a label writes it ("5.7.606", no "#").
func ValidEnhanced(s string) bool { return s != "" && ParseEnhanced(s) == s }
