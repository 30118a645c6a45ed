package diagnosis

import (
	"fmt"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// srcTrace is where the statuses' meanings come from.
const srcTrace = "MS: learn.microsoft.com/graph/api/resources/exchangemessagetrace; Get-MessageTraceV2 -Status; DESIGN.md checklist step 6"

// traceFindings are what each trace status means for a device's message
// (Get-MessageTraceV2 -Status descriptions, FACTS.md section 5).
var traceFindings = map[string]finding{
	"Failed": {catalog.Policy, 6, "Microsoft 365 accepted the message, then failed to deliver it (message trace: Failed)",
		"open the message trace details in the Exchange admin center (Mail flow > Message trace): the Fail event says why (recipient, transport rule, size)"},
	"Quarantined": {catalog.Policy, 6, "Microsoft 365 accepted the message, then quarantined it (message trace: Quarantined)",
		"review the message in the Microsoft Defender portal's quarantine; release it and adjust the anti-spam, anti-malware or transport rule policy that caught the device's mail"},
	"FilteredAsSpam": {catalog.Reputation, 6, "Microsoft 365 accepted the message, then filtered it as spam (message trace: FilteredAsSpam)",
		"check the sender domain's SPF (the site's public IP), DKIM and DMARC; for Direct Send, a device mail from the tenant's own domain that fails SPF is junked: add the IP to SPF or use a connector"},
	"Pending": {catalog.Service, 6, "Microsoft 365 accepted the message but has not delivered it yet (message trace: Pending: deferred or being retried)",
		"look again later with smtpspec trace; a deferral's reason shows in the events"},
	"GettingStatus": {catalog.Service, 6, "Microsoft 365 accepted the message; message trace has no status for it yet (GettingStatus)",
		"look again later with smtpspec trace"},
}

// traceVerdict explains a failed trace stage: the message's status, or
// why it could not be found or looked up.
func traceVerdict(sc *scene, f transcript.StageResult) Verdict {
	ti := sc.t.Trace
	var fd finding
	ev := f.EvidenceOrNote()
	switch {
	case f.Err != nil:
		fd = finding{catalog.Config, 6, "message trace could not be looked up", traceErrorNext(f.Err.Reason)}
	case !ti.Found():
		fd = finding{catalog.Service, 6, "the message is not in message trace within the wait: " +
			"a message missing from trace was never accepted by Exchange Online (it was rejected before acceptance, " +
			"or the 250 came from something other than Microsoft 365), unless trace has not caught up yet",
			"look again later with smtpspec trace --site <SITE> --token " + ti.Token + "; if it never appears, check " +
				"that the banner and end-of-data reply came from Microsoft 365 and not from a firewall or relay in the path"}
	default:
		status := ti.Status()
		var ok bool
		if fd, ok = traceFindings[status]; !ok {
			fd = finding{catalog.Service, 6, "message trace reports status " + status, "open the message trace details in the Exchange admin center"}
		}
		ev = traceEvidence(ti)
	}
	return tag(sc.verdict(fd, f, nil, ev), "trace", srcTrace)
}

// traceErrorNext picks the action for a lookup failure.
func traceErrorNext(r transcript.Reason) string {
	switch {
	case r.Has(transcript.GraphUnauthorized):
		return "provision the message trace service principal in the tenant and wait a few hours (see the error); the SMTP result above still stands"
	case r.Has(transcript.GraphForbidden):
		return "grant the app the application permission ExchangeMessageTrace.Read.All with admin consent"
	case r.Has(transcript.NoGraphToken):
		return "check trace.tenant_id, client_id and the client secret (the secret's value, not its id)"
	case r.Has(transcript.Throttled):
		return "fewer sites tracing through this tenant at once, or a longer trace.wait; the tenant has 100 queries per 5 minutes"
	}
	return "run smtpspec trace later; check the network path to Microsoft Graph"
}

// traceEvidence is the line that decides a trace status: the last event
// of the worst record with its description ("Fail: ..."), or the status.
func traceEvidence(ti *transcript.TraceInfo) string {
	status := ti.Status()
	for _, r := range ti.Records {
		if r.Status != status {
			continue
		}
		if n := len(r.Events); n > 0 {
			last := r.Events[n-1]
			return fmt.Sprintf("%s %s: %s: %s", r.Recipient, r.Status, last.Event, last.Description)
		}
		return r.Recipient + " " + r.Status
	}
	return status
}

// withTrace adds the trace result to a successful verdict: the message
// reached its recipients, which the SMTP session alone cannot show.
func withTrace(v Verdict, t *transcript.Transcript) Verdict {
	if v.Category != catalog.OK || t == nil || t.Stage(transcript.Trace).Status != transcript.Pass || !t.Trace.Found() {
		return v
	}
	v.Finding += "; message trace: " + transcript.TraceLine(t.Trace) // an ok verdict has no notes yet
	v.Next = ""
	return v
}
