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
	transcript.Resolve:  resolveCheck{}, // resolve.go
	transcript.Connect:  plainCheck{},
	transcript.Banner:   bannerCheck{},                     // banner.go
	transcript.EHLO:     ehloCheck{stage: transcript.EHLO}, // ehlo.go
	transcript.STARTTLS: plainCheck{},
	transcript.TLS:      tlsCheck{}, // tls.go
	transcript.EHLOTLS:  ehloCheck{stage: transcript.EHLOTLS},
	transcript.Auth:     plainCheck{},
	transcript.Mail:     plainCheck{},
	transcript.Rcpt:     plainCheck{},
	transcript.Data:     plainCheck{},
	transcript.Quit:     plainCheck{},
	transcript.Trace:    traceCheck{}, // trace.go
}

// plainCheck judges a stage by its protocol status alone, and an
// expectation by the fields it names. Connect tells refused, timed out
// and unreachable apart by the error kind (the diagnosis reads it);
// STARTTLS not advertised is the probe's note, which becomes the reason
// an expectation was not reached; AUTH is decided by its final reply,
// never the 334 prompts, and no reason quotes what the probe sent; MAIL
// FROM and RCPT TO are where reputation, policy and recipient refusals
// show (checklist step 5); DATA runs only with envelope.send_message;
// QUIT after an expected refusal is a skip (Evaluate), otherwise judged
// like any stage.
type plainCheck struct{}

func (plainCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	return judge(r, t, e, now, subject{}, plain(r))
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
