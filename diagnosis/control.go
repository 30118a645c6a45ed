package diagnosis

import (
	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// WithControl weighs the control probe (checklist step 8: submission on
// 587 from the same network) into the site's verdict v. The control
// never changes what failed or where; it says which side of the problem
// the failure is on:
//
//   - the primary path on port 25 failed on the network, a firewall or
//     reputation and the control passed: the problem is almost certainly
//     the site's IP or port 25, not the tenant or the mailbox;
//   - the primary was refused on policy or a recipient and the control
//     passed: the network and the tenant's SMTP service are ruled out, the
//     refusal is specific to this path;
//   - both failed at AUTH: the tenant's settings, not the device;
//   - the primary failed at AUTH and the control passed: this mailbox or
//     its credentials, since the tenant accepts SMTP AUTH;
//   - both failed before the envelope: the network, not port 25 alone.
//
// ctl is the control's own verdict, ct its transcript; primary is the
// site's method and port.
func WithControl(v Verdict, in Input, ctl Verdict, ct *transcript.Transcript) Verdict {
	if ct == nil {
		return v
	}
	passed := ctl.Category == catalog.OK
	failedAt := ctl.Stage
	switch {
	case v.Category == catalog.OK && passed:
		return withNotes(v, []string{"the control (submission on 587) also passed"})
	case v.Category == catalog.OK:
		return withNotes(v, []string{"the control (submission on 587) failed at " + string(failedAt) + " (" + string(ctl.Category) + "), see its stages"})
	case v.Category == catalog.Config && v.Stage == "":
		return v // nothing was probed; the control cannot say more
	case passed && in.Port == 25 && (v.Category == catalog.Network || v.Category == catalog.Firewall || v.Category == catalog.Reputation):
		v = withNotes(v, []string{"the control (submission on 587) passed at once: the problem is almost certainly the site's IP or port 25, not the tenant or the mailbox"})
		v.Next += "; meanwhile the device can send by SMTP AUTH submission on 587 (checklist step 8)"
		return tag(v, v.Rule+"+control-passed-port25", srcChecklist)
	case passed && v.Stage == transcript.Auth:
		v = withNotes(v, []string{"the control mailbox authenticates on the same tenant: the problem is this mailbox's settings or credentials, not the tenant"})
		return tag(v, v.Rule+"+control-passed-auth", catalog.SrcAuthSettings)
	case passed && (v.Category == catalog.Recipient || v.Category == catalog.Policy):
		what := "the recipient"
		if v.Category == catalog.Policy {
			what = "a policy"
		}
		return withNotes(v, []string{"the control (submission on 587) passed: it rules out the network and the tenant's SMTP service; the refusal is specific to this path (" + what + ", as the verdict says)"})
	case passed:
		return withNotes(v, []string{"the control (submission on 587) passed: the tenant and the network accept mail; the problem is specific to this path"})
	case v.Stage == transcript.Auth && failedAt == transcript.Auth:
		v = withNotes(v, []string{"the control mailbox was refused at AUTH too: the tenant's settings are the likely cause (SMTP AUTH disabled for the organisation, Security Defaults, an authentication policy that blocks basic auth), not the device"})
		v.Next = "check the tenant: Get-TransportConfig | fl SmtpClientAuthenticationDisabled, Security Defaults and authentication policies (basic auth for SMTP AUTH becomes disabled by default for existing tenants at the end of December 2026); then " + v.Next
		return tag(v, v.Rule+"+control-failed-auth", catalog.SrcAuthSettings)
	case failedAt.Facts().Opening && v.Stage.Facts().Opening:
		return withNotes(v, []string{"the control (submission on 587) failed too, at " + string(failedAt) + ": the network blocks more than port 25 (outbound filtering, proxy or DNS)"})
	}
	return withNotes(v, []string{"the control (submission on 587) failed too, at " + string(failedAt) + " (" + string(ctl.Category) + ")"})
}
