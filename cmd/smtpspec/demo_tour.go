package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// demo is one `smtpspec demo`: the example sites, each pointed at its own
// simulator, and the options of their runs (a temporary golden folder).
// It walks a new user through what smtpspec does: record the goldens,
// compare against them, and what a drift looks like, explaining the
// report as it goes.
type demo struct {
	e     env
	sites []*specs.Site
	opts  runner.Options
	quiet bool
}

// driftSite is the example the drift step runs again with its envelope
// changed: a Direct Send baseline whose expectations hold for any tenant
// recipient.
const driftSite = "directsend-ok"

// driftRecipient is the recipient the drift step adds.
const driftRecipient = "receiving@contoso.com"

// json records, compares and prints the comparison's JSON report. The exit
// code is the comparison's.
func (d demo) json(ctx context.Context, meta report.Run) int {
	d.record(ctx)
	results := d.compare(ctx)
	if err := (report.JSON{Run: meta}).Write(d.e.stdout, results); err != nil {
		errorf(d.e.stderr, "demo: %v", err)
		return exitFail
	}
	return exitCode(results)
}

// human is the guided tour. It exits 0 only when every example had its
// documented outcome and the deliberate drift was caught as a drift.
func (d demo) human(ctx context.Context) int {
	w := d.e.stdout
	fmt.Fprintf(w, "smtpspec demo: %d example sites, each against its own Microsoft 365 simulator scenario on loopback (no account, no network)\n\n", len(d.sites))
	writeLegend(w)
	recorded := d.record(ctx)
	fmt.Fprintf(w, "\n1. record   %d of %d goldens recorded in a temporary folder (what `smtpspec run --update` does)\n", recorded, len(d.sites))
	if ctx.Err() != nil {
		fmt.Fprintln(w, "\nThe demo was interrupted while recording: nothing more was run.")
		return exitFail // run() turns it into 130 or 143
	}
	results := d.compare(ctx)
	matched := count(results, runner.StatusPass)
	fmt.Fprintf(w, "2. compare  %d of %d sites had their documented outcome and matched their golden, although the simulator\n"+
		"           changes front-end host names, dates and session ids on every connection (goldens are normalised)\n\n", matched, len(results))
	h := report.Human{Color: isTerminal(w, d.e.getenv), Verbose: !d.quiet}
	h.Write(w, results)
	code := exitCode(results)
	if ctx.Err() != nil {
		return code // interrupted: run() turns it into 130 or 143
	}
	if !d.drift(ctx) {
		code = exitFail
	}
	writeNext(w)
	return code
}

// record writes every example's golden and returns how many were written.
func (d demo) record(ctx context.Context) int {
	opts := d.opts
	opts.Update = true
	n := 0
	for _, r := range runner.Run(ctx, d.sites, opts) {
		if r.Updated {
			n++
		}
	}
	return n
}

// compare runs every example again against the goldens just recorded.
func (d demo) compare(ctx context.Context) []*runner.Result {
	return runner.Run(ctx, d.sites, d.opts)
}

// drift runs driftSite again with a second recipient, as if its spec had
// been edited, and shows the drift a CI job would fail with; false when
// it was not caught as one (a bug).
func (d demo) drift(ctx context.Context) bool {
	w := d.e.stdout
	i := slices.IndexFunc(d.sites, func(s *specs.Site) bool { return s.Name == driftSite })
	if i < 0 {
		errorf(d.e.stderr, "demo: example %s is missing (a bug: please report it)", driftSite)
		return false
	}
	changed := *d.sites[i]
	changed.Envelope.To = append(slices.Clone(changed.Envelope.To), driftRecipient)
	fmt.Fprintf(w, "\n3. drift    what a CI job shows when a conversation changes. %s runs again with %s added to\n"+
		"           its envelope, as if its spec had been edited; its expectations still hold, its golden no longer matches:\n\n",
		driftSite, driftRecipient)
	r := runner.RunSite(ctx, &changed, d.opts)
	(report.Human{Color: isTerminal(w, d.e.getenv)}).Write(w, []*runner.Result{r})
	fmt.Fprintln(w, "\n           A server that answers differently (a new EHLO capability, another reply text) drifts the same way;")
	fmt.Fprintln(w, "           one that refuses what the spec does not expect fails instead.")
	fmt.Fprintln(w, "           In your repository, `smtpspec review` shows the pending golden and accepts or rejects it.")
	if r.Status != runner.StatusDrift {
		errorf(d.e.stderr, "demo: the changed %s was %s, not drift (a bug: please report it)", driftSite, r.Status)
		return false
	}
	return true
}

func count(results []*runner.Result, s runner.Status) int {
	n := 0
	for _, r := range results {
		if r.Status == s {
			n++
		}
	}
	return n
}
