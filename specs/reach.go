package specs

import (
	"fmt"

	"github.com/smtpspec/smtpspec/transcript"
)

// reachability refuses an expectation for a stage this site's probe never
// runs: it could never be checked, and would pass or fail for no reason.
func (d *decoder) reachability(sd *siteDecode) {
	if !sd.planOK {
		return
	}
	plan := sd.site.Plan()
	for _, ref := range sd.expects {
		if transcript.Reaches(plan, ref.stage) {
			continue
		}
		d.errorAt(ref.label, "Stage never reached",
			"This site's probe never reaches %q: %s. Remove the expectation or change the site.",
			ref.stage, whyUnreached(plan, ref.stage))
	}
}

// whyUnreached says which setting of the site keeps the probe from stage.
func whyUnreached(p transcript.Plan, stage transcript.Stage) string {
	switch {
	case p.HELO && (stage == transcript.Auth || stage == transcript.STARTTLS || stage == transcript.TLS || stage == transcript.EHLOTLS):
		return "client.greeting is \"HELO\", so the server lists no extensions and the device never sees STARTTLS or AUTH; " +
			"expect \"mail\" for the refusal that follows"
	case stage == transcript.Auth:
		return "the site has no auth block, so the probe never sends AUTH"
	case stage == transcript.Data:
		return "envelope.send_message is false (the default), so the probe stops after RCPT TO with RSET and QUIT; " +
			"set send_message = true to send a test message"
	case p.TLS == transcript.NoTLS:
		return "endpoint.tls is \"none\", so the session is never encrypted"
	case p.TLS == transcript.Implicit && stage == transcript.EHLOTLS:
		return "endpoint.tls is \"implicit\", so the only EHLO is already encrypted; expect \"ehlo\" instead"
	case p.TLS == transcript.Implicit:
		return "endpoint.tls is \"implicit\": the session is encrypted from the first byte and never sends STARTTLS"
	}
	return fmt.Sprintf("it is not part of a %s probe", p.Method)
}
