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
