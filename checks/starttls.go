package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// starttlsCheck judges the reply to STARTTLS ("220 2.0.0 SMTP server
// ready" from Microsoft 365). When the server did not advertise STARTTLS
// the probe records why in the stage's note; that note becomes the reason
// an expectation on this stage was not reached.
type starttlsCheck struct{}

func (starttlsCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	return judge(r, t, e, now, subject{}, plain(r))
}
