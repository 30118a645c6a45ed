package capture

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// implicitWait is how long the capture in implicit mode waits for a
// ClientHello before it decides the device expects a plain-text banner.
const implicitWait = 5 * time.Second

// opening handles what comes before the banner. A device that speaks
// first is recorded: a ClientHello means implicit TLS (Microsoft 365
// offers STARTTLS only: catalog config rule implicit-tls), which the
// capture completes so the rest of the session is still recorded; other
// bytes (a PROXY header, pre-greet SMTP) are left for the command loop.
// Exchange Online sends its banner at once; waiting EarlyWait first is
// harmless to a client, which waits for the banner anyway.
func (ss *session) opening() bool {
	wait := ss.srv.opts.EarlyWait
	if ss.mode() == transcript.Implicit {
		wait = implicitWait
	}
	first, err := ss.peekFirst(wait)
	switch {
	case err != nil && errors.Is(err, os.ErrDeadlineExceeded):
		if ss.mode() == transcript.Implicit {
			ss.problem("the device sent no TLS ClientHello within %s of connecting: it waits for a plain-text banner, so it is set for STARTTLS or no TLS, not implicit TLS (SSL/TLS); the capture goes on in plain text", implicitWait)
		}
		return true
	case err != nil:
		ss.readFailed(err, "greeting")
		return false
	case first == 0x16:
		if ss.mode() != transcript.Implicit {
			ss.rec.Early = "a TLS ClientHello: the device uses implicit TLS (SSL/TLS on connect), not STARTTLS"
		}
		return ss.handshake(transcript.Implicit)
	case ss.mode() == transcript.Implicit:
		ss.problem("the device sent %s instead of a TLS ClientHello: it is not set for implicit TLS", describeBytes(ss.peekSome()))
	default:
		ss.rec.Early = describeBytes(ss.peekSome())
	}
	return true
}

// peekFirst waits up to d for the device's first byte.
func (ss *session) peekFirst(d time.Duration) (byte, error) {
	ss.conn.SetReadDeadline(time.Now().Add(d))
	b, err := ss.r.Peek(1)
	ss.conn.SetReadDeadline(time.Time{})
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// peekSome is what is buffered already, without waiting for more.
func (ss *session) peekSome() []byte {
	b, _ := ss.r.Peek(min(ss.r.Buffered(), 64))
	return b
}

// describeBytes says what a few bytes are without quoting them: they may
// be a credential sent out of turn, so text is named by its first word.
func describeBytes(b []byte) string {
	switch {
	case len(b) == 0:
		return "nothing"
	case b[0] == 0x16:
		return "a TLS ClientHello"
	case len(b) >= 3 && b[0]&0x80 != 0 && b[2] == 1:
		return "an SSL 2.0-format ClientHello (Microsoft 365 and Go accept neither SSL 2.0 framing nor SSL 3.0)"
	case b[0] == 0x15 || b[0] == 0x17 || b[0] == 0x14:
		return fmt.Sprintf("a TLS record of type %d, not a handshake", b[0])
	case strings.HasPrefix(string(b), "PROXY "):
		return "a PROXY protocol header (a load balancer or proxy in the path)"
	case string(b[:min(len(b), 12)]) == "\r\n\r\n\x00\r\nQUIT\n":
		return "a PROXY protocol v2 header (a load balancer or proxy in the path)"
	}
	if word := knownWord(b); word != "" {
		return fmt.Sprintf("text starting %q (%d bytes so far)", word, len(b))
	}
	if b[0] >= ' ' && b[0] < 0x7f {
		return fmt.Sprintf("%d bytes of text that are not a known command", len(b))
	}
	return fmt.Sprintf("%d bytes of binary data starting 0x%02X", len(b), b[0])
}

// knownWords are the first words worth naming: SMTP verbs sent out of turn
// and other protocols' (HTTP, POP3, IMAP tags). Any other word is not
// shown: it may be the start of a password sent out of turn.
var knownWords = []string{"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "QUIT",
	"VRFY", "EXPN", "HELP", "ETRN", "TURN", "XCLIENT", "XFORWARD", "GET", "POST", "HEAD", "CONNECT", "USER", "PASS", "CAPA", "LOGIN"}

// knownWord is b's first word when it is one of knownWords.
func knownWord(b []byte) string {
	n := 0
	for n < len(b) && n < 12 && (b[n] >= 'A' && b[n] <= 'Z' || b[n] >= 'a' && b[n] <= 'z') {
		n++
	}
	w := strings.ToUpper(string(b[:n]))
	if slices.Contains(knownWords, w) {
		return w
	}
	return ""
}
