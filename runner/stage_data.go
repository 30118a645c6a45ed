package runner

import (
	"fmt"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// data sends a small test message (only when the spec sets
// send_message). The body is recorded as one line that names its size
// and Subject; the Subject and Message-ID carry the run token, so the
// message can be found in message trace.
func (s *session) data() transcript.StageResult {
	reply, err := s.c.cmd("DATA")
	if err != nil || reply.Code != 354 {
		return s.result(reply, err, 354)
	}
	token := s.opts.Token
	if token == "" {
		token = NewToken()
	}
	subject := "smtpspec test " + headerText(s.site.Name) + " " + headerText(token)
	msg := message(s.site.Envelope.From, s.site.Envelope.To, subject, token, s.opts.Now())
	s.dataSent, s.t.Token = true, token
	s.rec.add(transcript.Client, fmt.Sprintf("<message %d bytes, Subject: %s>", len(msg), subject))
	if err := s.c.write(append(msg, ".\r\n"...)); err != nil {
		return s.result(nil, err, 250)
	}
	reply, err = s.c.read()
	return s.result(reply, err, 250)
}

// message builds the RFC 5322 test message, CRLF line endings,
// dot-stuffed (RFC 5321 section 4.5.2), without the final ".".
func message(from string, to []string, subject, token string, date time.Time) []byte {
	lines := []string{
		"Date: " + date.Format(time.RFC1123Z),
		"From: " + headerText(from),
		"To: " + headerText(strings.Join(to, ", ")),
		"Subject: " + subject,
		"Message-ID: <" + headerText(token) + "@smtpspec.invalid>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
		"Content-Transfer-Encoding: 7bit",
		"",
		"This is a test message from smtpspec, sent to check this mail path.",
		"It needs no action.",
		"",
		"Run token: " + headerText(token),
	}
	return dotStuff(lines)
}

// dotStuff joins lines with CRLF, doubling a leading dot.
func dotStuff(lines []string) []byte {
	var b strings.Builder
	for _, l := range lines {
		if strings.HasPrefix(l, ".") {
			b.WriteByte('.')
		}
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// headerText keeps a value on one line of printable ASCII, so that no
// spec value can add a header or break the message.
func headerText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}
