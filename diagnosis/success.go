package diagnosis

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// success is the verdict when no stage failed and the envelope (or the
// message) was accepted: it says what the run proved, no more. Without
// DATA nothing was sent, so delivery is not proven.
func success(sc *scene) Verdict {
	who := "the server"
	if sc.microsoft {
		who = "Microsoft 365"
	}
	how := ""
	var parts []string
	if sc.tlsDone && sc.t.TLS != nil && sc.t.TLS.Version != "" {
		parts = append(parts, sc.t.TLS.Version)
	}
	if sc.t.Stage(transcript.Auth).Status == transcript.Pass {
		parts = append(parts, "authenticated")
	}
	if len(parts) > 0 {
		how = " (" + strings.Join(parts, ", ") + ")"
	}
	v := Verdict{Category: catalog.OK}
	var r transcript.StageResult
	if d := sc.t.Stage(transcript.Data); d.Status == transcript.Pass {
		r = d
		v.Finding = who + " accepted the message for delivery" + how
		v.Next = "look the message up in message trace (checklist step 6)"
	} else {
		r = sc.t.Stage(transcript.Rcpt)
		v.Finding = who + " accepted the envelope" + recipients(sc.t) + how + "; no message was sent"
		v.Next = "to prove delivery, set envelope.send_message and look the message up in message trace (checklist step 6)"
	}
	if s, ok := inspected(sc.t); ok {
		// Working today, but SMTP inspection is in the path: worth knowing
		// before the next firmware or firewall change.
		v.Finding += "; a firewall inspects this plaintext session (see " + string(s.Stage) + ")"
	}
	if r.Reply != nil {
		v.Code, v.Enhanced = r.Reply.Code, r.Reply.Enhanced
	}
	v.Evidence = r.EvidenceOrNote()
	return tag(v, "success", srcChecklist)
}

// inspected returns the masking sign of an inspecting firewall, if any.
func inspected(t *transcript.Transcript) (catalog.Sign, bool) {
	if s, ok := catalog.MaskedBanner(t); ok {
		return s, true
	}
	return catalog.MaskedEHLO(t)
}

// recipients counts the recipients the server accepted (2xx replies
// recorded at rcpt), as " for N recipient(s)"; "" when the lines were not
// recorded.
func recipients(t *transcript.Transcript) string {
	n := 0
	for _, l := range t.ServerLines(transcript.Rcpt) {
		if code, final, _, err := transcript.ParseReplyLine(l); err == nil && final && code/100 == 2 && len(l) > 3 {
			n++
		}
	}
	switch n {
	case 0:
		return ""
	case 1:
		return " for 1 recipient"
	}
	return fmt.Sprintf(" for %d recipients", n)
}

// incomplete explains a transcript where nothing failed but the envelope
// was never accepted: the probe stopped early without recording why (or
// skipped STARTTLS that the plan needed).
func incomplete(sc *scene) (Verdict, bool) {
	last := transcript.Rcpt
	if sc.in.Plan.Data {
		last = transcript.Data
	}
	if sc.t.Stage(last).Status == transcript.Pass {
		return Verdict{}, false
	}
	var stop transcript.StageResult
	for _, name := range transcript.Sequence(sc.in.Plan) {
		if r := sc.t.Stage(name); r.Status != transcript.Pass {
			stop = r
			break
		}
	}
	if v, ok := interception(sc); ok {
		return v, true // another server greeted: it is why the session went nowhere
	}
	if stop.Stage == transcript.STARTTLS || stop.Stage == transcript.TLS {
		// The usual cause: STARTTLS not offered and the probe stopped.
		if v, ok := firewallSign(sc, stop); ok {
			return v, true
		}
		if v, ok := starttlsMissing(sc, transcript.StageResult{Stage: transcript.STARTTLS}); ok {
			return v, true
		}
	}
	ev := stop.Note
	if ev == "" {
		ev = string(stop.Stage) + " " + string(transcript.Skip) // the transcript's own words
	}
	return tag(sc.verdict(finding{catalog.Service, 10,
		"the probe stopped before <STAGE> without recording a failure",
		"rerun and keep the transcript (checklist step 10)"}, stop, nil, ev), "incomplete", srcChecklist), true
}
