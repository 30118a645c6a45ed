// Package checks is the stage judge: one check per stage in one registry,
// and the spec's expectations (Expect), applied field by field to what a
// probe recorded (Outcome). It says whether each stage went as the spec
// expects; what went wrong and why is the diagnosis' (package
// diagnosis). It does not talk to the network and does not read specs:
// the specs package builds the Expect values, the runner transcripts.
package checks

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// Check judges one stage of a probe. Every stage implements it, and Stages
// lists them all, so a stage cannot be judged one way in a report and
// another way in the spec validator.
type Check interface {
	// Judge applies e (nil when the spec names no expectation for this
	// stage) to what the probe recorded.
	Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome
}

// Stages is the registry of checks by stage. Its keys are exactly
// transcript.Stages(); the spec validator checks `expect "STAGE"` against it.
var Stages = map[transcript.Stage]Check{
	transcript.Resolve:  resolveCheck{},
	transcript.Connect:  connectCheck{},
	transcript.Banner:   bannerCheck{},
	transcript.EHLO:     ehloCheck{stage: transcript.EHLO},
	transcript.STARTTLS: starttlsCheck{},
	transcript.TLS:      tlsCheck{},
	transcript.EHLOTLS:  ehloCheck{stage: transcript.EHLOTLS},
	transcript.Auth:     authCheck{},
	transcript.Mail:     envelopeCheck{},
	transcript.Rcpt:     envelopeCheck{},
	transcript.Data:     dataCheck{},
	transcript.Quit:     quitCheck{},
	transcript.Trace:    traceCheck{}, // trace.go
}

// Evaluate returns one Outcome per stage of seq, in order. A stage of seq
// that has no check (a name outside StageNames) is judged by its protocol
// status alone.
//
// A stage that failed at the protocol level exactly as the spec expected
// ends the conversation the spec cares about: later stages without an
// expectation that then fail (typically QUIT on a connection the server
// closed after its refusal) are reported as skip, not as new failures.
// Later stages that do carry an expectation are still judged by it.
func Evaluate(t *transcript.Transcript, seq []transcript.Stage, expects map[transcript.Stage]*Expect, now time.Time) []Outcome {
	if t == nil {
		t = &transcript.Transcript{}
	}
	out := make([]Outcome, 0, len(seq))
	var expectedFail transcript.Stage
	for _, name := range seq {
		r := t.Stage(name)
		e := expects[name]
		var o Outcome
		if c, ok := Stages[name]; ok {
			o = c.Judge(r, t, e, now)
		} else {
			o = plain(r)
		}
		if expectedFail != "" && e == nil && o.Status == transcript.Fail {
			o = Outcome{Stage: name, Status: transcript.Skip,
				Reason: "not judged: follows the expected failure at " + string(expectedFail)}
		}
		if expectedFail == "" && o.Expected && r.Status == transcript.Fail {
			expectedFail = name
		}
		out = append(out, o)
	}
	return out
}
