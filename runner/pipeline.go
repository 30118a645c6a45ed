package runner

import (
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// Command pipelining (RFC 2920). A probe spends most of its time waiting
// for round trips, and the envelope is where a client may stop waiting:
// MAIL, every RCPT, RSET and QUIT go out in one write (RSET and QUIT only
// when the probe stops after RCPT TO; DATA is never sent ahead, so a
// partly refused envelope can never start a message).
//
// The transcript does not show that the commands were pipelined. Each
// command is recorded when the stage that owns it takes its reply, just
// before that reply, in the order a client that does not pipeline would
// write them, so transcripts and goldens are the same either way. A
// command such a client would not have sent (RCPT after a refused MAIL,
// RSET after a refused RCPT) has its reply read and dropped, unrecorded:
// it is an artefact of pipelining, not evidence about the mail path.

// ahead is a command written before its turn, waiting for its reply.
type ahead struct {
	line, shown string
	at          time.Duration // when it went out, as an offset from the probe start
}

// canPipeline reports whether the envelope may be sent as one group: the
// device pipelines (client.pipelining) and the server advertised
// PIPELINING in the EHLO that is in force (after TLS, the second one).
func (s *session) canPipeline() bool {
	if !s.site.Client.Pipelining || len(s.site.Envelope.To) == 0 {
		return false
	}
	return s.caps().Has("PIPELINING")
}

// envelopeGroup is the pipelined group that starts with mail: MAIL, RCPT
// for every recipient and, when no message follows, RSET and QUIT (RFC
// 2920 section 3.1: QUIT may end a group; DATA would also be allowed,
// but then a partly refused envelope would start a message).
func (s *session) envelopeGroup(mail string) []string {
	group := []string{mail}
	for _, addr := range s.site.Envelope.To {
		group = append(group, "RCPT TO:<"+addr+">")
	}
	if !s.site.Envelope.SendMessage {
		group = append(group, "RSET", "QUIT")
	}
	return group
}

// sendAhead writes lines as one group without recording them; cmdShown
// records each in its turn. It sends nothing, and reports false, when
// any line holds CR or LF: the sequential path then refuses that line
// itself, exactly as without pipelining. A write error is kept and
// given to the first command that takes its reply, as a sequential
// client would have met it writing that command.
func (c *client) sendAhead(lines []string) bool {
	var b strings.Builder
	for _, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			return false
		}
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	at := c.rec.now().Sub(c.rec.start)
	for _, l := range lines {
		c.ahead = append(c.ahead, ahead{line: l, shown: l, at: at})
	}
	c.aheadErr = c.write([]byte(b.String()))
	return true
}

// collect takes the reply of line, which may have been sent ahead.
// Replies to commands before it in the group that its stage never asked
// for are read and dropped; if line itself was not sent ahead it is sent
// now. Either way the transcript shows line, then its reply.
func (c *client) collect(line, shown string) (*transcript.Reply, error) {
	for len(c.ahead) > 0 {
		a := c.ahead[0]
		c.ahead = c.ahead[1:]
		if a.line == line {
			c.rec.addAt(transcript.Client, shown, a.at)
			if c.aheadErr != nil {
				return nil, c.aheadErr
			}
			return c.read()
		}
		if c.aheadErr != nil {
			continue
		}
		if err := c.discard(); err != nil {
			// The connection broke under a reply nobody asked for: line
			// meets the same broken connection a sequential client would
			// have met sending it.
			c.ahead = nil
			c.rec.add(transcript.Client, shown)
			return nil, err
		}
	}
	c.aheadErr = nil
	return c.cmdShown(line, shown)
}

// discard reads one reply without recording it or its notes.
func (c *client) discard() error {
	rec, notes := c.rec, c.notes
	c.rec = &recorder{start: rec.start, now: rec.now}
	_, err := c.read()
	c.rec, c.notes = rec, notes
	return err
}
