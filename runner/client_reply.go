package runner

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// read reads one reply, single- or multi-line (RFC 5321 section 4.2),
// recording every line as it arrives, so that the line that broke the
// rules is in the transcript as evidence.
func (c *client) read() (*transcript.Reply, error) {
	var reply *transcript.Reply
	size := 0
	for {
		raw, err := c.readLine()
		if err != nil {
			return nil, err
		}
		text := printable(raw)
		c.rec.add(transcript.Server, text)
		size += len(raw)
		code, final, rest, err := parseReplyLine(raw)
		if err != nil {
			return nil, err
		}
		if reply == nil {
			reply = &transcript.Reply{Code: code}
		} else if code != reply.Code {
			return nil, protocolError("reply line \"%s\" has code %d, the reply started with %d", text, code, reply.Code)
		}
		reply.Lines = append(reply.Lines, printable(rest))
		if final {
			reply.Enhanced = transcript.ParseEnhanced(reply.Lines[0])
			return reply, nil
		}
		if len(reply.Lines) >= maxReplyLines || size > maxReplyBytes {
			return nil, protocolError("reply longer than %d lines or %d bytes", maxReplyLines, maxReplyBytes)
		}
	}
}

// readLine returns the next line without its line ending. A bare LF is
// accepted and noted; a line that does not fit in maxLine bytes is a
// protocol error, found after reading at most maxLine bytes of it.
func (c *client) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, protocolError("reply line longer than %d bytes, starting %s", maxLine, preview(line))
	case err != nil:
		e := c.failure(err)
		if len(line) > 0 {
			e.Text += " after a partial line " + preview(line)
		}
		return nil, e
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1], nil
	}
	c.note("server ended a line with a bare LF")
	return line, nil
}

// parseReplyLine splits "250-text" / "250 text" / "250" into its parts
// (transcript.ParseReplyLine), a line that is none as a protocol error.
func parseReplyLine(line []byte) (code int, final bool, rest []byte, err error) {
	code, final, rest, err = transcript.ParseReplyLine(line)
	if err != nil {
		if errors.Is(err, transcript.ErrNotReplyLine) {
			return 0, false, nil, protocolError("malformed reply line %s", preview(line))
		}
		return 0, false, nil, protocolError("%s", err.Error()) // *transcript.CodeError: "reply code N outside 200-599"
	}
	return code, final, rest, nil
}

// printable escapes every byte outside printable ASCII as \xNN, so a
// transcript line is always one line of plain text; a backslash is
// escaped too, so that the escaping cannot be forged.
func printable(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			sb.WriteByte(c)
			continue
		}
		fmt.Fprintf(&sb, `\x%02x`, c)
	}
	return sb.String()
}

// preview is the start of a line, escaped and quoted, for an error message.
func preview(b []byte) string {
	const n = 40
	if len(b) > n {
		return `"` + printable(b[:n]) + `..."`
	}
	return `"` + printable(b) + `"`
}

func protocolError(format string, args ...any) *transcript.Error {
	return &transcript.Error{Kind: transcript.KindProtocol, Text: fmt.Sprintf(format, args...)}
}
