package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// connectCheck judges the TCP connection. Refused, timed out and
// unreachable are told apart by the error kind, which the diagnosis uses;
// the check itself only reports them.
type connectCheck struct{}

func (connectCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	return judge(r, t, e, now, subject{}, plain(r))
}
