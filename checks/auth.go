package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// authCheck judges SMTP AUTH. The reply that decides it is the final one
// (235, or the refusal), never the 334 prompts; the transcript never holds
// what the probe sent, so neither does a reason built from it.
type authCheck struct{}

func (authCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	return judge(r, t, e, now, subject{}, plain(r))
}
