package runner

import (
	"fmt"

	"github.com/smtpspec/smtpspec/transcript"
)

// mail offers the envelope sender; 250 passes. Where the server
// pipelines, the rest of the envelope goes out with it (pipeline.go); the
// later stages then take their replies.
func (s *session) mail() transcript.StageResult {
	line := "MAIL FROM:<" + s.site.Envelope.From + ">" + s.sizeParam() // size_param.go
	if s.canPipeline() {
		s.c.sendAhead(s.envelopeGroup(line))
	}
	r := s.exchange(line)
	s.mailOK = r.Status == transcript.Pass
	return r
}

// rcpt offers every recipient, even after a refusal (each answer is
// evidence: connecting is not acceptance). The stage fails if any is
// refused; its reply is the first refusal, or the last acceptance.
func (s *session) rcpt() transcript.StageResult {
	to := s.site.Envelope.To
	if len(to) == 0 {
		return transcript.StageResult{Status: transcript.Fail, Err: &transcript.Error{
			Kind: transcript.KindProtocol, Text: "the envelope has no recipient", Err: errLocal}}
	}
	var refused, last *transcript.Reply
	n := 0
	for _, addr := range to {
		reply, err := s.c.cmd("RCPT TO:<" + addr + ">")
		if err != nil || reply.Code == 421 {
			return s.final(reply, err)
		}
		last = reply
		if !transcript.Rcpt.Passes(reply.Code) {
			n++
			if refused == nil {
				refused = reply
			}
		}
	}
	if refused == nil {
		return transcript.StageResult{Status: transcript.Pass, Reply: last}
	}
	return transcript.StageResult{Status: transcript.Fail, Reply: refused,
		Note: fmt.Sprintf("%d of %d recipients refused", n, len(to))}
}
