package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// envelopeCheck judges MAIL FROM and RCPT TO. These are where reputation
// blocks and recipient or policy refusals show (checklist step 5): a site
// that connects and says EHLO fine can still be refused here.
type envelopeCheck struct{}

func (envelopeCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	return judge(r, t, e, now, subject{}, plain(r))
}
