package report

import (
	"time"

	"github.com/smtpspec/smtpspec/runner"
)

// Run is what every report says about the run as a whole, beside its
// sites: when it started, where, with which smtpspec, and whether it was
// stopped early. The zero value is a run nobody described (tests, the
// demo's JSON); reports then leave those parts out.
type Run struct {
	Started time.Time // when the run began (before the first probe)
	Host    string    // the runner's host name
	Build   Build     // the smtpspec binary that ran
	// Interrupted names what stopped the run before every site finished
	// ("SIGINT", "SIGTERM"), "" when it ran to its end.
	Interrupted string
}

// Build identifies the smtpspec binary (cmd/smtpspec's readBuildInfo):
// what Microsoft support or a colleague needs to reproduce a report.
type Build struct {
	Version string `json:"version"` // v1.2.3, or "devel"
	Commit  string `json:"commit"`  // VCS revision, "" when unknown
	Go      string `json:"go"`      // the Go toolchain
}

// String is "v1.2.3 (commit 0123456789ab, go1.26.8)", "" when unknown.
func (b Build) String() string {
	if b.Version == "" {
		return ""
	}
	s := b.Version + " ("
	if b.Commit != "" {
		s += "commit " + b.Commit + ", "
	}
	return s + b.Go + ")"
}

// stamp is when the run started, as the CI formats print it (RFC 3339,
// UTC).
func (r Run) stamp() string { return r.Started.UTC().Format(time.RFC3339) }

// about is the run's one-line description for the page and summary
// headers: "run at 2026-12-03T10:00:00Z on runner-1 by smtpspec v1.2.3
// (...)", with the parts that are known.
func (r Run) about() string {
	s := "run at " + r.stamp()
	if r.Host != "" {
		s += " on " + r.Host
	}
	if b := r.Build.String(); b != "" {
		s += " by smtpspec " + b
	}
	return s
}

// interruptedSites counts the results the run's interruption left unjudged.
func interruptedSites(results []*runner.Result) int {
	n := 0
	for _, r := range results {
		if r.Status == runner.StatusInterrupted {
			n++
		}
	}
	return n
}
