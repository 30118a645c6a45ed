package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// ehloCheck judges EHLO before TLS (stage ehlo) and after it (ehlo_tls).
// Capability expectations compare with the list of the same stage.
//
// A plaintext EHLO that lacks STARTTLS still passes: the server answered.
// The reason notes it, and the diagnosis decides whether it means a
// firewall stripped it (Microsoft 365 always offers STARTTLS before TLS,
// FACTS.md section 2) or the server simply has none.
type ehloCheck struct{ stage transcript.Stage }

func (c ehloCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	s := subject{caps: t.Capabilities, hasCaps: true}
	if c.stage == transcript.EHLOTLS {
		s.caps = t.CapabilitiesTLS
	}
	o := plain(r)
	if o.Status == transcript.Pass && c.stage == transcript.EHLO && !t.AfterTLS(transcript.EHLO) {
		if _, ok := catalog.MaskedEHLO(t); ok {
			o.Reason = "STARTTLS masked as XXXXXXXA: a firewall's ESMTP inspection strips TLS"
		} else if !t.Capabilities.Has("STARTTLS") {
			o.Reason = "STARTTLS not advertised"
		}
	}
	return judge(r, t, e, now, s, o)
}
