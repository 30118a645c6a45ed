package runner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// Options configures Run.
type Options struct {
	Parallel int          // sites probed at once; <= 0 means 8
	Golden   golden.Store // where goldens live
	Update   bool         // rewrite goldens instead of comparing
	Probe    ProbeOptions // passed to every Probe (Token is set per site)
	Now      func() time.Time
	// OnResult, if set, is called as each site finishes (from the
	// goroutine that ran it), for progress output.
	OnResult func(*Result)
	// OnStage, if set, is called as a site enters each stage, for live
	// progress (from the goroutine that runs the site).
	OnStage func(site string, stage transcript.Stage)
	// Pending writes <name>.golden.new beside the golden when this run's
	// golden differs or the site has none, for `smtpspec review`
	// (pending.go). Update wins: it writes the golden itself.
	Pending bool
	// ReadOnly leaves the golden folder as it is: goldens are read and
	// compared, nothing is written or removed there (not even a stale
	// pending golden). For `smtpspec serve` and `check`, which run from a
	// checkout they must not change. Update must be false with it.
	ReadOnly bool
	// AuthGuard, if set, keeps a mailbox that failed AUTH from being probed
	// again too soon (package authguard); nil for the simulator and tests.
	AuthGuard *authguard.Guard
	// Trace are the message trace lookup's seams (trace.go).
	Trace TraceOptions
}

// Result is everything a run established about one site.
type Result struct {
	Site       *specs.Site
	Transcript *transcript.Transcript // redacted: holds no secret
	Outcomes   []checks.Outcome
	Verdict    diagnosis.Verdict
	Status     Status
	Golden     []byte        // this run's golden text
	GoldenPath string        // where the golden is (or would be) stored
	Drift      *golden.Drift // nil unless the stored golden differs
	Updated    bool          // the golden was written by this run
	Pending    string        // the .golden.new this run wrote, "" when none (pending.go)
	Err        error         // golden unreadable, or not probed (authguard.Refused) (Status error); *InterruptedError (Status interrupted)
	Warnings   []string      // what every report must show, even for a pass (warnings.go)
	Control    *Result       // the control probe (checklist step 8), nil without one (control.go)
}

// Run probes every site, at most opts.Parallel at once, and returns one
// Result per site in the order of sites. A site that stalls costs at most
// its own timeouts.total; other sites go on meanwhile. When ctx ends, the
// running probes stop at once and every site not finished, started or
// not, has StatusInterrupted (interrupt.go); those that finished keep
// their results.
func Run(ctx context.Context, sites []*specs.Site, opts Options) []*Result {
	n := opts.Parallel
	if n <= 0 {
		n = 8
	}
	results := make([]*Result, len(sites))
	done := func(i int, r *Result) {
		results[i] = r
		if opts.OnResult != nil {
			opts.OnResult(r)
		}
	}
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, s := range sites {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done(): // no slot will matter: RunSite reports it not probed
			done(i, RunSite(ctx, s, opts))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			done(i, RunSite(ctx, s, opts))
		}()
	}
	wg.Wait()
	return results
}

// RunSite probes one site and judges the result: expectations, golden,
// verdict, status.
func RunSite(ctx context.Context, s *specs.Site, opts Options) *Result {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	po := opts.Probe
	if po.Token == "" && s.Envelope.SendMessage {
		po.Token = NewToken()
	}
	if po.Now == nil {
		po.Now = now
	}
	if opts.OnStage != nil && po.OnStage == nil {
		po.OnStage = func(stage transcript.Stage) { opts.OnStage(s.Name, stage) }
	}
	seq := s.Sequence() // the stages every part of this run speaks of
	if ms, stop := misconfigured(s); stop {
		return configResult(s, seq, ms, opts, now()) // config.go: nothing is probed
	}
	release := func() {}
	if opts.AuthGuard != nil {
		var err error
		if release, err = opts.AuthGuard.Begin(s); err != nil {
			return throttledResult(s, opts, err) // warnings.go
		}
	}
	if ctx.Err() != nil { // before the probe, or while waiting for the mailbox
		release()
		return notProbed(ctx, s, seq, opts, now())
	}
	t := probeStages(ctx, s, seq, po)
	traceMessage(ctx, s, t, opts) // trace.go: message trace, after the session
	// Probe already redacts at its recording seam; this second pass keeps
	// the promise even if a future stage forgets: nothing downstream sees a
	// secret, even one a server echoed back.
	t.Lines = transcript.Redact(t.Lines, s.Secrets())

	r := &Result{Site: s, Transcript: t, GoldenPath: opts.Golden.Path(s.Name), Warnings: warnings(s, t)}
	if opts.AuthGuard != nil {
		if err := opts.AuthGuard.Record(s, t); err != nil {
			r.Warnings = append(r.Warnings, err.Error())
		}
	}
	release() // before the control probe, which may share the mailbox
	if t.Interrupted != "" {
		// Record above kept only what the server really answered at AUTH:
		// a stage the cancellation cut short has no reply to record.
		return interrupted(ctx, r, seq, now())
	}
	r.Outcomes = checks.Evaluate(t, seq, s.Expect, now())
	r.Verdict = diagnosis.Diagnose(t, s.Input())
	r.Verdict = diagnosis.WithMisfits(r.Verdict, diagnosis.Misfits(s.Setup())) // config.go: a documented misconfiguration
	r.Golden = golden.RenderWith(t, s.Golden)
	var stored bool
	r.Status, stored = judge(r, opts)
	settlePending(r, opts, stored)
	withControl(ctx, r, s, opts) // control.go
	return r
}

// judge compares or updates the golden and decides the status; stored
// says whether a golden was there to compare with (settlePending needs it
// and must not read the file again).
func judge(r *Result, opts Options) (status Status, stored bool) {
	failed := false
	for _, o := range r.Outcomes {
		if o.Status == transcript.Fail {
			failed = true
		}
	}
	name := r.Site.Name
	if opts.Update {
		err := opts.Golden.Write(name, r.Golden)
		if err == nil {
			r.Updated = true
			if failed {
				return StatusFail, false
			}
			return StatusPass, false
		}
		// Read-only or full: what the run measured still stands, judged
		// against the stored golden as without --update (pending.go).
		r.Warnings = append(r.Warnings, err.Error()+"; this run was compared with the stored golden instead")
	}
	want, err := opts.Golden.Read(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if failed {
			return StatusFail, false
		}
		return StatusNew, false
	case err != nil:
		r.Err = err
		return StatusError, false
	}
	r.Drift = golden.Compare(want, r.Golden)
	switch {
	case failed:
		return StatusFail, true
	case r.Drift != nil:
		return StatusDrift, true
	}
	return StatusPass, true
}

// NewToken returns a run token: unique per run, recognisable in message
// trace, and scrubbed from goldens ("smtpspec-" + 16 hex digits).
func NewToken() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never happens on supported platforms
	}
	return "smtpspec-" + hex.EncodeToString(b[:])
}
