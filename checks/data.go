package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// dataCheck judges DATA up to the end-of-data reply. The stage only runs
// when the spec sets envelope.send_message; by default the probe stops
// after RCPT TO and nothing is sent.
type dataCheck struct{}

func (dataCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	return judge(r, t, e, now, subject{}, plain(r))
}
