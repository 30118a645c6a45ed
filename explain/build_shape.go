package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// Where a capture's lines belong when it does not show the command:
// message content, a greeting that came late, and how a stage is named
// to a reader.

// lateGreeting records a greeting that came as the answer to EHLO: the
// client stopped waiting for the banner and sent EHLO, and the server's
// 220 arrived after it (PHPMailer's empty first read, then "EHLO command
// failed: 220 ... Microsoft ESMTP MAIL Service ready"). The greeting was
// held up on the way, the banner stage's failure (a middlebox or a slow
// path, checklist step 3); the next reply answers the EHLO.
func (b *builder) lateGreeting(rep *transcript.Reply) bool {
	if len(b.pending) == 0 || b.pending[0] != transcript.EHLO || b.has(transcript.Banner) || b.tls || !isGreeting(rep) {
		return false
	}
	b.placed(transcript.Banner, Seen, "the server's greeting, received after the client's EHLO")
	b.set(transcript.Banner, transcript.Fail, nil, &transcript.Error{Kind: transcript.KindTimeout,
		Text: "the greeting came only after the client had sent EHLO (its wait for the banner ran out): " + rep.Line()})
	b.cur = transcript.Banner
	return true
}

// messageContent: a client line that belongs to a message, not to the
// protocol: a MIME boundary or a header field.
func messageContent(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "--") && len(t) > 4 || headerFieldRE.MatchString(t)
}

// headerFieldRE: a message header field a client sends after DATA.
var headerFieldRE = lazyre.OnDemand(`(?i)^(?:Content-[A-Za-z-]+|MIME-Version|Subject|From|To|Cc|Date|Message-ID|Reply-To|Return-Path|X-[A-Za-z0-9-]+):\s`)

// failLine is the reply or error that failed r, as evidence.
func failLine(r *transcript.StageResult) string {
	switch {
	case r.Reply != nil:
		return r.Reply.Line()
	case r.Err != nil:
		return r.Err.Text
	}
	return string(r.Stage)
}

// commandOf names the command of a stage for a reader ("MAIL FROM").
func commandOf(stage transcript.Stage) string {
	if s := stage.Facts().Sent; s != "" {
		return s
	}
	return strings.ToUpper(string(stage))
}

// shapeStage is the command a reply answers, read from the reply's own
// shape, when the capture shows no command at all for it (Emacs smtpmail's
// trace and many debug logs print only the server's lines): an EHLO's
// capability list or "Hello [ip]", STARTTLS's 220 after an EHLO, AUTH's
// 334 and 235, DATA's 354 and QUIT's 221 (RFC 5321 section 4.3.2, RFC
// 3207, RFC 4954). Anything else is left to the catalog and the stage
// before it.
func (b *builder) shapeStage(rep *transcript.Reply) transcript.Stage {
	switch {
	case rep.Code == 250 && ehloShaped(rep):
		if b.tls || b.tlsNext || b.has(transcript.STARTTLS) {
			if b.tlsNext && !b.tls {
				b.event(event{kind: evTLS}) // the handshake completed: EHLO was answered after it
			}
			return transcript.EHLOTLS
		}
		return transcript.EHLO
	case rep.Code == 220 && b.has(transcript.Banner) && b.has(transcript.EHLO) && !b.has(transcript.STARTTLS) && !b.tls:
		return transcript.STARTTLS
	case rep.Code == 334 || rep.Code == 235:
		return transcript.Auth
	case rep.Code == 354:
		return transcript.Data
	case rep.Code == 221:
		return transcript.Quit
	}
	return ""
}

// ehloShaped: a 250 reply that can only answer EHLO or HELO: "Hello
// [ip]" in its first line, or a capability list after it.
func ehloShaped(rep *transcript.Reply) bool {
	if len(rep.Lines) == 0 {
		return false
	}
	if strings.Contains(strings.ToLower(rep.Lines[0]), "hello") {
		return true
	}
	for _, l := range rep.Lines[1:] {
		switch strings.ToUpper(strings.Fields(l + " x")[0]) {
		case "SIZE", "PIPELINING", "AUTH", "STARTTLS", "8BITMIME", "ENHANCEDSTATUSCODES", "CHUNKING", "DSN", "SMTPUTF8":
			return true
		}
	}
	return false
}

// unglue splits a multi-line reply a log printed as one line, its CRLFs
// dropped ("250-host Hello [ip]250-SIZE 157286400250-PIPELINING250
// SMTPUTF8", as PHPMailer's debug output shows it on some systems): the
// reply's own code, followed by "-" or " " and a capital letter or a digit (8BITMIME), starts
// the next line. A line without that repetition is returned as it is.
func unglue(line string) []string {
	if len(line) < 8 || line[3] != '-' || !startsReply(line) {
		return []string{line}
	}
	code := line[:3]
	var out []string
	start := 0
	for i := 4; i+5 <= len(line); i++ {
		if line[i:i+3] == code && (line[i+3] == '-' || line[i+3] == ' ') && (line[i+4] >= 'A' && line[i+4] <= 'Z' || isDigit(line[i+4])) && line[i-1] != ' ' {
			out = append(out, line[start:i])
			start = i
		}
	}
	return append(out, line[start:])
}
