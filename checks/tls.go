package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// tlsCheck judges the TLS handshake. Without an expectation an
// unverified certificate fails the stage, as the probe already does, so a
// transcript recorded by another client is judged the same way. With an
// expectation only the named fields count (version_min, cert_days_min,
// error, ...), like every other stage.
type tlsCheck struct{}

func (tlsCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	o := plain(r)
	if t.TLS.Unverified() && reached(r) && r.Reply == nil {
		if r.Err == nil || r.Err.Kind == transcript.KindTLS {
			o.Status = transcript.Fail
			o.Reason = "certificate not verified"
			if t.TLS.VerifyError != "" {
				o.Reason += ": " + t.TLS.VerifyError
			} else if r.Err != nil {
				o.Reason += ": " + r.Err.Error()
			}
		}
	}
	return judge(r, t, e, now, subject{tls: t.TLS, hasTLS: true}, o)
}
