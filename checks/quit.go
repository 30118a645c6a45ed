package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// quitCheck judges RSET/QUIT at the end of the session. Evaluate turns a
// failed QUIT after an expected refusal into a skip (the server may close
// the connection after refusing); here it is judged like any stage.
type quitCheck struct{}

func (quitCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	return judge(r, t, e, now, subject{}, plain(r))
}
