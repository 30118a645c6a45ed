package runner

import (
	"github.com/smtpspec/smtpspec/transcript"
)

// quit ends the session politely: RSET first when a transaction was
// opened but no message sent (the probe never leaves one half-done),
// then QUIT. After a failed stage it sends QUIT only. A server that
// closes the connection instead of replying 221 is noted, not failed.
func (s *session) quit() transcript.StageResult {
	var note string
	if !s.failed && s.mailOK && !s.dataSent {
		reply, err := s.c.cmd("RSET")
		if err != nil || reply.Code == 421 {
			return s.result(reply, err, 250)
		}
		if reply.Code != 250 {
			note = "RSET refused: " + reply.Line()
		}
	}
	reply, err := s.c.cmd("QUIT")
	if err != nil {
		if e := s.c.failure(err); e.Kind == transcript.KindClosed || e.Kind == transcript.KindReset {
			return transcript.StageResult{Status: transcript.Pass,
				Note: joinNotes(note, "server closed the connection without replying 221")}
		}
	}
	r := s.final(reply, err)
	r.Note = note
	return r
}
