package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// bannerCheck judges the server's greeting. A masked banner (a firewall's
// SMTP inspection) still passes here: the session may go on, and the
// diagnosis decides what it means. The check only notes it.
type bannerCheck struct{}

func (bannerCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	o := plain(r)
	if o.Status == transcript.Pass {
		if m, ok := catalog.MaskedBanner(t); ok {
			o.Reason = m.Entry.Finding
		}
	}
	return judge(r, t, e, now, subject{}, o)
}
