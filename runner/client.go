package runner

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// Limits on what a server can make the client read. A reply line longer
// than maxLine never enters memory whole: bufio stops at its buffer size.
const (
	maxLine       = 4096     // bytes per reply line, CRLF included
	maxReplyLines = 200      // lines per reply
	maxReplyBytes = 64 << 10 // bytes per reply
)

// client is the recording SMTP client: the one seam every byte of the
// conversation passes through. It records each line with its stage and
// offset, bounds what a server can make it read, and gives every stage a
// deadline. It knows nothing of the stage order; the session does.
type client struct {
	raw  net.Conn // the TCP connection: deadlines and cancellation act on it
	conn net.Conn // raw, or the TLS connection over it after the handshake
	r    *bufio.Reader
	peer string // the address connected to, for messages
	rec  *recorder
	ctx  context.Context
	stop func() bool // unregisters the cancellation hook

	budget time.Duration // the current stage's deadline, for messages
	notes  []string      // facts about the current stage's bytes (bare LF, ...)

	ahead    []ahead // commands pipelined before their turn (pipeline.go)
	aheadErr error   // the error writing them, for the first to take its reply
}

// newClient wraps conn, connected to peer ("host:port"). Cancelling ctx
// interrupts a blocked read or write by moving the deadline into the
// past; the conn itself stays for close.
func newClient(ctx context.Context, conn net.Conn, peer string, rec *recorder) *client {
	c := &client{raw: conn, conn: conn, r: bufio.NewReaderSize(conn, maxLine), peer: peer, rec: rec, ctx: ctx}
	c.stop = context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	return c
}

// setBudget gives the current stage until now+d, capped by the context's
// deadline (the site's timeouts.total).
func (c *client) setBudget(d time.Duration) {
	c.budget = d
	at := time.Now().Add(d)
	if dl, ok := c.ctx.Deadline(); ok && dl.Before(at) {
		at = dl
	}
	_ = c.raw.SetDeadline(at)
	// The cancellation hook may have fired between the check above and
	// SetDeadline; it must win.
	if c.ctx.Err() != nil {
		_ = c.raw.SetDeadline(time.Unix(1, 0))
	}
}

// upgrade replaces the stream with conn (the TLS connection over raw).
// Bytes the server sent before the handshake are discarded (RFC 3207
// section 4.2: they could be injected by a middlebox) and reported.
func (c *client) upgrade(conn net.Conn) (discarded int) {
	discarded = c.r.Buffered()
	c.conn = conn
	c.r = bufio.NewReaderSize(conn, maxLine)
	return discarded
}

// send writes one command line. shown is what the transcript records in
// its place: the command itself, or a redacted form for AUTH payloads.
func (c *client) send(line, shown string) error {
	if strings.ContainsAny(line, "\r\n") {
		return &transcript.Error{Kind: transcript.KindProtocol,
			Text: fmt.Sprintf("refusing to send %q: it contains CR or LF", shown), Err: errLocal}
	}
	c.rec.add(transcript.Client, shown)
	return c.write([]byte(line + "\r\n"))
}

// write sends raw bytes (a message body); the caller records them.
func (c *client) write(b []byte) error {
	if _, err := c.conn.Write(b); err != nil {
		return c.failure(err)
	}
	return nil
}

// cmd sends line and reads the reply.
func (c *client) cmd(line string) (*transcript.Reply, error) { return c.cmdShown(line, line) }

// cmdShown sends line, recording shown, and reads the reply.
func (c *client) cmdShown(line, shown string) (*transcript.Reply, error) {
	if len(c.ahead) > 0 {
		return c.collect(line, shown)
	}
	if err := c.send(line, shown); err != nil {
		return nil, err
	}
	return c.read()
}

// note records a fact about the current stage once.
func (c *client) note(s string) {
	for _, n := range c.notes {
		if n == s {
			return
		}
	}
	c.notes = append(c.notes, s)
}

// takeNotes returns and clears the current stage's notes.
func (c *client) takeNotes() []string {
	n := c.notes
	c.notes = nil
	return n
}

// failure classifies an I/O error of this connection.
func (c *client) failure(err error) *transcript.Error {
	return classify(c.ctx, err, c.peer, fmt.Sprintf("no reply within %s", c.budget))
}

// close ends the connection; it is safe to call twice.
func (c *client) close() {
	c.stop()
	_ = c.conn.Close()
}

// recorder collects transcript lines with their stage and offset.
type recorder struct {
	lines []transcript.Line
	stage transcript.Stage
	start time.Time
	now   func() time.Time
}

func (r *recorder) add(dir transcript.Direction, text string) {
	r.addAt(dir, text, r.now().Sub(r.start))
}

// addAt records a line that went out at offset at (a pipelined command,
// recorded in its turn but stamped with when it was written).
func (r *recorder) addAt(dir transcript.Direction, text string, at time.Duration) {
	r.lines = append(r.lines, transcript.Line{Dir: dir, Stage: r.stage, Text: text, At: at})
}
