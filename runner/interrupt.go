package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// A cancelled run (SIGINT, SIGTERM, a CI job stopped or timed out) is not
// a finding about the mail path: a stage cut short by it would otherwise
// read as a server that stalled ("firewall at ehlo ... timeout"). So the
// probe tells the run's cancellation apart from the site's own deadlines
// (the run's context against the timeouts.total context derived from it),
// and an interrupted site gets StatusInterrupted: no verdict category, no
// golden written or compared, no pending golden. What it recorded before
// the cancellation is kept as evidence.

// InterruptedError is the Err of a site whose probe the run's
// cancellation stopped, or which it kept from starting.
type InterruptedError struct {
	Stage transcript.Stage // the stage that was running or due; "" when the site was not probed at all
	Cause error            // context.Cause of the run's context (the CLI's names the signal)
}

func (e *InterruptedError) Error() string {
	where := "before its probe started"
	if e.Stage != "" {
		where = "during " + string(e.Stage)
	}
	return fmt.Sprintf("interrupted %s (%v): not judged", where, e.Cause)
}

func (e *InterruptedError) Unwrap() error { return e.Cause }

// interruptedNext is the next action of every interrupted site.
const interruptedNext = "run the site again: an interrupted probe says nothing about the mail path"

// stopped reports whether the run itself was cancelled; the site's own
// deadline (timeouts.total) ends only the session's context, not this one.
func (s *session) stopped() bool { return s.outer.Err() != nil }

// interrupt ends the session at stage name, which the run's cancellation
// cut short (d: how long it ran) or kept from starting (d = 0).
func (s *session) interrupt(name transcript.Stage, d time.Duration) transcript.StageResult {
	s.end()
	return interruptAt(s.outer, s.t, name, d)
}

// interruptAt marks t interrupted at stage name and returns that stage's
// result: skipped, with the cancellation's cause as its note.
func interruptAt(ctx context.Context, t *transcript.Transcript, name transcript.Stage, d time.Duration) transcript.StageResult {
	t.Interrupted = name
	return transcript.StageResult{Stage: name, Status: transcript.Skip, Duration: d,
		Note: fmt.Sprintf("interrupted (%v)", context.Cause(ctx))}
}

// notProbed is the result of site s when the run was cancelled before
// its probe started.
func notProbed(ctx context.Context, s *specs.Site, seq []transcript.Stage, opts Options, now time.Time) *Result {
	t := &transcript.Transcript{Site: s.Name, Method: s.Method, Target: s.Target()}
	for _, name := range seq {
		t.Stages = append(t.Stages, transcript.StageResult{Stage: name, Status: transcript.Skip, Note: "not probed: the run was interrupted"})
	}
	r := &Result{Site: s, Transcript: t, GoldenPath: opts.Golden.Path(s.Name), Warnings: warnings(s, t)}
	return interrupted(ctx, r, seq, now)
}

// interrupted turns r, whose probe the run's cancellation stopped (or
// kept from starting), into an interrupted result: the stages that ended
// before it stay as evidence, nothing is diagnosed or compared.
func interrupted(ctx context.Context, r *Result, seq []transcript.Stage, now time.Time) *Result {
	s, t := r.Site, r.Transcript
	err := &InterruptedError{Stage: t.Interrupted, Cause: context.Cause(ctx)}
	r.Status, r.Err = StatusInterrupted, err
	r.Outcomes = interruptedOutcomes(t, seq, s.Expect, now)
	// No category: nothing was diagnosed. The findings about the site's
	// credentials and endpoint (basic-auth retirement, token checks) hold
	// whether or not the probe finished.
	r.Verdict = diagnosis.Verdict{Stage: t.Interrupted, Finding: err.Error(), Next: interruptedNext, Findings: diagnosis.Findings(t, s.Input())}
	if len(t.Lines) > 0 {
		r.Golden = golden.RenderWith(t, s.Golden) // shown in reports, never stored
	}
	return r
}

// interruptedOutcomes judges the stages that ended before the
// interruption as usual and marks the interrupted stage and all after it
// skipped: an expectation of a stage that never ran is not failed.
func interruptedOutcomes(t *transcript.Transcript, seq []transcript.Stage, expects map[transcript.Stage]*checks.Expect, now time.Time) []checks.Outcome {
	out := checks.Evaluate(t, seq, expects, now)
	cut := t.Interrupted == ""
	for i := range out {
		reason := "not run: the run was interrupted"
		if out[i].Stage == t.Interrupted {
			cut = true
			reason = t.Stage(t.Interrupted).Note + ": cut short, not judged" // "interrupted (SIGINT): ..."
		}
		if cut {
			out[i] = checks.Outcome{Stage: out[i].Stage, Status: transcript.Skip, Reason: reason}
		}
	}
	return out
}
