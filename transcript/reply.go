package transcript

import (
	"strconv"
	"strings"
)

// Reply is one SMTP reply, possibly multi-line (RFC 5321 section 4.2).
type Reply struct {
	// Code is the reply code; 0 when a capture shows only the reply's
	// enhanced code and text (System.Net.Mail and many applications drop
	// the code): it is not guessed.
	Code     int
	Enhanced string   // RFC 3463 enhanced status code, "" when absent
	Lines    []string // each line's text after "NNN-" / "NNN " (enhanced code kept)
}

// Text joins the reply lines with a space, as a person would read them.
func (r *Reply) Text() string { return strings.Join(r.Lines, " ") }

// Line is the reply as the server sent its first line ("550 5.7.606 ...");
// for a multi-line reply the rest follows on the next lines of the transcript.
// A reply without its code is its text alone.
func (r *Reply) Line() string {
	switch {
	case r.Code == 0 && len(r.Lines) > 0:
		return r.Lines[0]
	case len(r.Lines) == 0:
		return strconv.Itoa(r.Code)
	}
	return strconv.Itoa(r.Code) + " " + r.Lines[0]
}

// Class is the first digit of the code: 2 success, 3 intermediate,
// 4 transient failure, 5 permanent failure. A reply without its code has
// the class of its enhanced code (RFC 3463: the same digit).
func (r *Reply) Class() int {
	if r.Code == 0 && r.Enhanced != "" {
		return int(r.Enhanced[0] - '0')
	}
	return r.Code / 100
}

// Positive reports a 2xx or 3xx reply.
func (r *Reply) Positive() bool { return r.Class() == 2 || r.Class() == 3 }

// Error makes a negative reply usable as an error; errors.As(err, **Reply)
// gives the caller the code back.
func (r *Reply) Error() string { return r.Line() }
