package runner

import (
	"time"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// misconfigured returns the site's method misfits when they decide the
// run: the site is not probed and its verdict is config (checklist step
// 1). A spec that expects a failure documents the misconfiguration on
// purpose (`expect "mail" { code = 530 }`), so it is probed as usual and
// the misfits become notes of its verdict.
func misconfigured(s *specs.Site) ([]diagnosis.Misfit, bool) {
	ms := diagnosis.Misfits(s.Setup())
	return ms, len(ms) > 0 && !s.ExpectsFailure()
}

// configResult is the result of a site that is not probed because its
// setup contradicts its method. Nothing is written to or compared with
// its golden: a good golden must not be replaced by a run that never
// talked to the server.
func configResult(s *specs.Site, seq []transcript.Stage, ms []diagnosis.Misfit, opts Options, now time.Time) *Result {
	t := &transcript.Transcript{Site: s.Name, Method: s.Method, Target: s.Target()}
	for _, name := range seq {
		t.Stages = append(t.Stages, transcript.StageResult{Stage: name, Status: transcript.Skip, Note: "not probed: the setup contradicts the method"})
	}
	return &Result{
		Site:       s,
		Transcript: t,
		Outcomes:   checks.Evaluate(t, seq, s.Expect, now),
		Verdict:    diagnosis.ConfigVerdict(s.Setup(), ms),
		Status:     StatusFail,
		GoldenPath: opts.Golden.Path(s.Name),
	}
}
