package checks

import (
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// subject is what an expectation can be compared with at one stage besides
// the reply or error: the EHLO capability list at the EHLO stages, the TLS
// facts at the tls stage. Other stages leave it zero, and an expectation
// that names capabilities or TLS facts there fails with a reason.
type subject struct {
	caps    transcript.Capabilities
	hasCaps bool
	tls     *transcript.TLSInfo
	hasTLS  bool
}

// judge is the flow every check shares. protocol is the stage's own
// judgement without an expectation (the protocol status plus any
// stage-specific note); e is compared field by field, only on the fields
// it names (STYLE.md lesson 4).
func judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time, s subject, protocol Outcome) Outcome {
	if e == nil {
		return protocol
	}
	if !reached(r) {
		return Outcome{Stage: r.Stage, Status: transcript.Fail, Reason: notReached(r, t)}
	}
	if !e.names() {
		// An empty expect block only asks that the stage be reached; the
		// protocol status still decides.
		protocol.Expected = protocol.Status == transcript.Pass
		return protocol
	}
	if miss := compare(e, r, t, s, now); len(miss) > 0 {
		return Outcome{Stage: r.Stage, Status: transcript.Fail, Reason: strings.Join(miss, "; ")}
	}
	// Every named field matched: a pass even when the protocol status was
	// fail, since expecting a refusal is legitimate.
	reason := "as expected: " + e.describe()
	if ev := r.EvidenceOrNote(); ev != "" {
		reason += " (" + ev + ")"
	}
	return Outcome{Stage: r.Stage, Status: transcript.Pass, Expected: true, Reason: reason}
}

// plain is the protocol judgement of r with nothing stage-specific: its
// status, and on failure the evidence as the reason.
func plain(r transcript.StageResult) Outcome {
	o := Outcome{Stage: r.Stage, Status: r.Status}
	if o.Status == "" {
		o.Status = transcript.Skip
	}
	if o.Status == transcript.Fail {
		o.Reason = r.EvidenceOrNote()
		if o.Reason == "" {
			o.Reason = "failed without a reply or an error"
		}
	}
	return o
}

// reached reports whether the stage ran (passed or failed).
func reached(r transcript.StageResult) bool {
	return r.Status == transcript.Pass || r.Status == transcript.Fail
}

// notReached explains why an expected stage never ran: the failure that
// stopped the probe before it, or the probe's note on the stage.
func notReached(r transcript.StageResult, t *transcript.Transcript) string {
	if f, ok := stoppedBefore(r.Stage, t); ok {
		return "not reached: the probe stopped at " + string(f.Stage) + " (" + f.EvidenceOrNote() + ")"
	}
	if r.Note != "" {
		return "not reached: " + r.Note
	}
	return "not reached: the probe did not run this stage"
}

// stoppedBefore returns the first failed stage recorded before stage (or
// anywhere, when stage itself was never recorded: the probe stopped
// before getting to it).
func stoppedBefore(stage transcript.Stage, t *transcript.Transcript) (transcript.StageResult, bool) {
	for _, s := range t.Stages {
		if s.Stage == stage {
			break
		}
		if s.Status == transcript.Fail {
			return s, true
		}
	}
	return transcript.StageResult{}, false
}
