package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// resolveCheck judges the name lookup (the endpoint host, or the MX of
// mx_domain). Nothing beyond the protocol status: a lookup either gave
// addresses or failed with a dns/timeout error.
type resolveCheck struct{}

func (resolveCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	return judge(r, t, e, now, subject{}, plain(r))
}
