package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/transcript"
)

// errLineTooLong is a line over its limit; errSessionOver is the
// connection's own deadline (Options.Session) passing.
var (
	errLineTooLong = errors.New("line too long")
	errSessionOver = errors.New("session limit reached")
)

// session is one connection. It runs on its own goroutine and owns rec
// until it returns; the Server only closes raw from outside.
type session struct {
	srv *Server
	rec *Connection
	fe  *sim.FrontEnd

	raw   net.Conn // the TCP connection
	conn  net.Conn // the current transport: raw, then *tls.Conn
	r     *bufio.Reader
	w     *bufio.Writer
	began time.Time // accepted
	end   time.Time // Options.Session after accept

	secure   bool     // TLS is up
	tls      *TLS     // the handshake in force, nil without TLS
	greeted  bool     // EHLO or HELO seen (since TLS)
	shown    []string // the extensions the device was shown (EHLO in force)
	tx       *Transaction
	chunks   *analyzer // the BDAT message being received
	sentLine bool      // a command arrived after the last handshake
	ahead    bool      // the reply being written has the next command already waiting
}

func newSession(srv *Server, c net.Conn, n int) *session {
	now := srv.opts.Now()
	rec := &Connection{N: n, Source: c.RemoteAddr().String(), Local: c.LocalAddr().String(), Started: now, Commands: []string{}}
	ss := &session{srv: srv, rec: rec, raw: c, began: time.Now(), end: time.Now().Add(srv.opts.Session)}
	ss.fe = sim.NewFrontEnd(srv.opts.Persona.method(), hostOf(c.RemoteAddr()), srv.opts.Now)
	ss.setConn(c)
	return ss
}

func (ss *session) setConn(c net.Conn) {
	ss.conn = c
	ss.r = bufio.NewReaderSize(c, maxAuthLine)
	ss.w = bufio.NewWriterSize(c, 1024)
}

func (ss *session) logf(format string, args ...any) {
	ss.srv.opts.Logf("capture #%d [%s] "+format, append([]any{ss.rec.N, ss.rec.Source}, args...)...)
}

func (ss *session) problem(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	ss.rec.Problems = append(ss.rec.Problems, p)
	ss.logf("%s", p)
}

// run greets (after looking for a device that speaks first), then
// answers commands until QUIT, an error or a limit.
func (ss *session) run() {
	ss.logf("connected to %s", ss.rec.Local)
	defer func() { ss.logf("closed: %s", ss.rec.End) }()
	if !ss.opening() || !ss.banner() {
		return
	}
	for n := 0; ; n++ {
		if n == maxCommands {
			ss.problem("over %d commands: connection closed", maxCommands)
			ss.rec.End = "command limit"
			ss.send(421, "4.7.0 Too many commands, closing transmission channel") // RFC 5321 4.2.2; RFC 3463 4.7.0
			return
		}
		line, err := ss.readLine(maxLine)
		if err != nil {
			ss.readFailed(err, "command")
			return
		}
		if !ss.handle(string(line)) {
			return
		}
	}
}

// setDeadline bounds the next read or write by Options.Idle and the
// session's own end, whichever comes first.
func (ss *session) setDeadline() {
	d := time.Now().Add(ss.srv.opts.Idle)
	if d.After(ss.end) {
		d = ss.end
	}
	ss.conn.SetDeadline(d)
}

// readLine reads one line (CRLF or bare LF) of at most limit bytes, CRLF
// included. The slice is bufio's own, valid until the next read: the
// caller may wipe it (auth.go does).
func (ss *session) readLine(limit int) ([]byte, error) {
	ss.setDeadline()
	b, err := ss.r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || (err == nil && len(b) > limit):
		clear(b) // it may be a credential
		return nil, errLineTooLong
	case err != nil:
		if errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(ss.end) {
			return nil, errSessionOver
		}
		return nil, err
	}
	return trimEOL(b), nil
}

func trimEOL(b []byte) []byte {
	b = b[:len(b)-1]
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b
}

// readFailed records why a read ended the session, answering an
// overlong line first (RFC 5321 section 4.5.3.1.4's "500 Line too long",
// RFC 3463's 5.5.2).
func (ss *session) readFailed(err error, what string) {
	switch {
	case errors.Is(err, errLineTooLong):
		ss.problem("%s line over the limit (%d bytes): connection closed", what, limitFor(what))
		ss.rec.End = "line too long"
		ss.send(500, "5.5.2 Line too long")
	case errors.Is(err, errSessionOver):
		ss.problem("the connection's time limit (%s) passed: connection closed", ss.srv.opts.Session)
		ss.rec.End = "session limit"
	case errors.Is(err, os.ErrDeadlineExceeded):
		ss.problem("the device was silent for %s while the capture waited for a %s: connection closed", ss.srv.opts.Idle, what)
		ss.rec.End = "idle timeout"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		ss.rec.End = "closed by the device"
		ss.closedAfterHandshake()
	case ss.srv.closing():
		ss.rec.End = "capture ended"
	default:
		ss.rec.End = "connection error: " + err.Error()
		ss.closedAfterHandshake()
	}
}

func limitFor(what string) int {
	if what == "AUTH response" {
		return maxAuthLine
	}
	return maxLine
}

// closedAfterHandshake: a device that completes the handshake and then
// leaves without a command most likely refused the certificate: some TLS
// stacks (GnuTLS in msmtp, several printers) verify after the handshake.
func (ss *session) closedAfterHandshake() {
	if ss.tls == nil || !ss.tls.Completed || ss.sentLine || ss.tls.CertRejected {
		return
	}
	ss.tls.CertRejected = true
	ss.tls.CertEvidence = "the device closed the connection right after the TLS handshake without sending a command: it likely refused the certificate (some TLS stacks verify it after the handshake)"
}

// banner sends the persona's greeting (catalog rows banner-submission and
// banner-mx, FACTS.md 2.1/2.2), through the simulator's front end.
func (ss *session) banner() bool {
	id := "banner-submission"
	if ss.srv.opts.Persona == MX {
		id = "banner-mx"
	}
	return ss.reply(id, nil)
}

// reply sends catalog row id as the front end renders it.
func (ss *session) reply(id string, extra map[string]string) bool {
	code, text, ok := ss.fe.Reply(id, extra)
	if !ok {
		ss.problem("BUG: catalog row %q missing", id) // catalog tests check every ID
		return false
	}
	return ss.send(code, text)
}

func (ss *session) send(code int, text string) bool { return ss.sendLines(code, []string{text}) }

// sendLines writes a reply (multi-line when it has more than one line,
// RFC 5321 section 4.2.1) within the deadlines. Before it does, a command
// already waiting in the buffer was sent without waiting for this reply:
// the device pipelines (RFC 2920).
func (ss *session) sendLines(code int, lines []string) bool {
	ss.ahead = ss.r.Buffered() > 0
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(ss.w, "%d%s%s\r\n", code, sep, l)
	}
	ss.setDeadline()
	if err := ss.w.Flush(); err != nil {
		if ss.rec.End == "" {
			ss.rec.End = "write failed: " + err.Error()
		}
		return false
	}
	return true
}

// pipelineWait is how long the capture looks for a command sent ahead
// before it answers MAIL, RCPT or RSET, the commands RFC 2920 lets a
// client group. A device that pipelines writes its group in one burst, so
// what is not in the buffer yet is already on its way; over TLS each
// command may be a record of its own, which bufio does not hold yet. A
// device that does not pipeline can never be counted as one: it sends
// nothing before the reply, however long the capture looks.
const pipelineWait = 50 * time.Millisecond

// lookAhead waits up to pipelineWait for the next command, so that
// sendLines sees it if the device sent it ahead.
func (ss *session) lookAhead() {
	if ss.r.Buffered() > 0 {
		return
	}
	ss.conn.SetReadDeadline(time.Now().Add(pipelineWait))
	ss.r.Peek(1) // a timeout only ends the look; other errors come back on the next read
	ss.setDeadline()
}

// mode is the capture's TLS mode.
func (ss *session) mode() transcript.TLSMode { return ss.srv.opts.TLSMode }

func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}
