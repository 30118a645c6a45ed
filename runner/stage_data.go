package runner

import (
	"fmt"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// transferRate is the slowest uplink the data stage allows for: 1 Mbit/s.
// A large message_size gets this much more time on top of
// timeouts.command (and on timeouts.total), so an 8 MB scan is not cut
// off by a deadline made for one command.
const transferRate = 1 << 17 // bytes per second

// transferTime is how long size bytes may take at transferRate.
func transferTime(size int64) time.Duration {
	return time.Duration(size) * time.Second / transferRate
}

// data sends the test message (only when the spec sets send_message).
// The body is recorded as one line that names its size and Subject; the
// Subject and Message-ID carry the site name and the run token, so the
// message can be found in message trace.
func (s *session) data() transcript.StageResult {
	reply, err := s.c.cmd("DATA")
	if err != nil || reply.Code != 354 {
		return s.result(reply, err, 354)
	}
	m := s.message()
	s.dataSent, s.t.Token = true, m.token
	shown := fmt.Sprintf("<message %d bytes, Subject: %s>", m.Size(), m.subject)
	s.rec.add(transcript.Client, shown)
	if m.short > 0 {
		s.c.note(fmt.Sprintf("message_size is %d bytes below what the headers need; sent %d bytes", m.short, m.Size()))
	}
	s.c.setBudget(s.budget(s.rec.stage) + transferTime(m.Size()))
	if _, err := m.WriteTo(s.c.conn); err != nil {
		return s.final(nil, err)
	}
	if err := s.c.write([]byte(".\r\n")); err != nil {
		return s.final(nil, err)
	}
	reply, err = s.c.read()
	return s.final(reply, err)
}

// message is the run's test message, built once: MAIL FROM declares its
// size, DATA sends it.
func (s *session) message() *testMessage {
	if s.msg == nil {
		token := s.opts.Token
		if token == "" {
			token = NewToken()
		}
		s.msg = newTestMessage(s.site.Name, s.site.Envelope.From, s.site.Envelope.To, token, s.opts.Now(),
			s.site.Envelope.MessageSize)
	}
	return s.msg
}
