package sim

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// maxLine bounds a command line (and an AUTH response line), CRLF
// included. A longer line is answered and the connection closed.
const maxLine = 4096

// errLineTooLong is a client line over maxLine.
var errLineTooLong = errors.New("line too long")

// session is one SMTP conversation. It runs on its own goroutine and owns
// everything below; the Server only closes conn from outside.
type session struct {
	srv *Server
	sc  *Scenario
	n   uint64 // session number, for logs
	cfg *tls.Config

	conn net.Conn // the current transport: plain, then *tls.Conn after STARTTLS
	r    *bufio.Reader
	w    *bufio.Writer

	id identity
	ip string

	greeted   bool // EHLO or HELO seen (since STARTTLS)
	secure    bool // TLS negotiated
	legacyTLS bool // TLS 1.0/1.1 negotiated in a RefuseLegacyTLS scenario
	authed    bool
	user      string // the authenticated user, as the SendAs refusal names it; "" if not shown
	// certAttributed: the client presented a certificate the
	// ClientCert connector accepts (clientcert.go).
	certAttributed bool
	from           string // MAIL FROM address; valid when inMail
	inMail         bool
	rcpts          int
	messages       int // messages accepted or refused at end of data
}

func newSession(srv *Server, c net.Conn, cfg *tls.Config, n uint64) *session {
	ss := &session{srv: srv, sc: srv.sc, n: n, cfg: cfg, ip: clientIP(c.RemoteAddr())}
	ss.id = newIdentity(srv.sc, srv.opts.Now())
	ss.setConn(c)
	return ss
}

func (ss *session) setConn(c net.Conn) {
	ss.conn = c
	ss.r = bufio.NewReaderSize(c, maxLine)
	ss.w = bufio.NewWriterSize(c, 1024)
}

func (ss *session) logf(format string, args ...any) {
	ss.srv.opts.Logf("sim %s #%d [%s] "+format, append([]any{ss.sc.Name, ss.n, ss.ip}, args...)...)
}

// run greets, then answers commands until QUIT, an error or a closing
// reply. Stalled scenarios hold the line silently instead.
func (ss *session) run() {
	ss.logf("connected")
	defer ss.logf("closed")
	if ss.sc.Stall == StallBeforeBanner {
		ss.stall()
		return
	}
	if !ss.banner() {
		return
	}
	if ss.sc.Stall == StallAfterBanner {
		ss.stall()
		return
	}
	for {
		line, err := ss.readLine()
		if err != nil {
			if errors.Is(err, errLineTooLong) {
				ss.lineTooLong()
			}
			return
		}
		if !ss.handle(line) {
			return
		}
	}
}

// banner sends the greeting (FACTS.md 2.1/2.2, or the masked one of a
// Cisco ASA, MS KB 320027).
func (ss *session) banner() bool {
	switch {
	case ss.sc.Firewall:
		return ss.reply("banner-masked", nil)
	case ss.sc.submission():
		return ss.reply("banner-submission", nil)
	default:
		return ss.reply("banner-mx", nil)
	}
}

// stall reads and discards until the client closes, Close closes the
// connection, or StallLimit passes. Reading (rather than sleeping) is what
// notices the client leaving.
func (ss *session) stall() {
	ss.logf("stalling (up to %s)", ss.srv.opts.StallLimit)
	ss.conn.SetReadDeadline(time.Now().Add(ss.srv.opts.StallLimit))
	io.Copy(io.Discard, ss.conn) // ends with EOF, a closed conn or the deadline
}

// readLine reads one line (CRLF or bare LF) within the idle timeout.
func (ss *session) readLine() (string, error) {
	ss.conn.SetReadDeadline(time.Now().Add(ss.srv.opts.IdleTimeout))
	b, err := ss.r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", errLineTooLong
	case err != nil:
		return "", err // EOF in mid-line included: the client is gone
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// lineTooLong answers an overlong line before closing: RFC 5321 section
// 4.5.3.1.4 gives the text "500 Line too long", RFC 3463 the 5.5.2
// (syntax error).
func (ss *session) lineTooLong() {
	ss.logf("line over %d bytes: closing", maxLine)
	ss.send(500, "5.5.2 Line too long")
}

// render fills a catalog row with this session's volatile values.
func (ss *session) render(e *catalog.Entry, extra map[string]string) string {
	now := ss.srv.opts.Now()
	host := ss.id.errHost
	switch {
	case e.Code == 220 && e.Stage == transcript.Banner:
		host = ss.id.host // the banner names the front end as EHLO does
	case strings.Contains(e.Text, "<HOST>."):
		host = ss.id.short // the row appends its own domain
	}
	vals := map[string]string{"HOST": host, "IP": ss.ip, "TS": isoTime(now), "TOKEN": ss.id.token, "DATE": rfc1123(now)}
	for k, v := range extra {
		vals[k] = v
	}
	return e.Render(vals)
}

// reply sends catalog row id. Rows with code 421 close the session (RFC
// 5321 section 3.8), so reply then returns false.
func (ss *session) reply(id string, extra map[string]string) bool {
	return ss.replyDecorated(id, extra, nil)
}

// replyDecorated is reply with decorate (if not nil) applied to the
// rendered text: the volatile parts the service adds to a row (volatile.go).
func (ss *session) replyDecorated(id string, extra map[string]string, decorate func(string) string) bool {
	e := catalog.Lookup(id)
	if e == nil {
		// Scenario.Validate and the tests check every ID: this is a bug, but
		// one that closes a session rather than the process.
		ss.logf("BUG: catalog row %q missing", id)
		return false
	}
	text := ss.render(e, extra)
	if decorate != nil {
		text = decorate(text)
	}
	if !ss.send(e.Code, text) {
		return false
	}
	return e.Code != 421
}

// send writes a one-line reply; false when the connection failed.
func (ss *session) send(code int, text string) bool {
	return ss.sendLines(code, []string{text})
}

// sendLines writes a reply, multi-line when there is more than one line
// (RFC 5321 section 4.2.1), and flushes it within the idle timeout.
func (ss *session) sendLines(code int, lines []string) bool {
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(ss.w, "%d%s%s\r\n", code, sep, l)
	}
	ss.conn.SetWriteDeadline(time.Now().Add(ss.srv.opts.IdleTimeout))
	if err := ss.w.Flush(); err != nil {
		ss.logf("write: %v", err)
		return false
	}
	ss.logf("S: %d %s", code, lines[0])
	return true
}
