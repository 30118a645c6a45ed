package runner

import "slices"

// Status is a site's overall result: did the run match the spec's
// expectations and the golden? (The verdict says what happened; the
// status says whether that was what the spec expected.)
type Status string

const (
	StatusPass  Status = "pass"  // every expectation met and the golden matched
	StatusFail  Status = "fail"  // a stage failed or an expectation was not met
	StatusDrift Status = "drift" // expectations met, transcript differs from the golden
	StatusNew   Status = "new"   // expectations met, no golden stored yet
	StatusError Status = "error" // the run itself could not complete (golden unreadable, not probed)
	// StatusInterrupted: the run was cancelled (SIGINT, SIGTERM) before
	// the site's probe ended, or before it started; nothing was judged
	// and no golden was written (interrupt.go).
	StatusInterrupted Status = "interrupted"
)

// Outcomes are the statuses a finished probe gives a site, in the order
// every report counts them; the exporter labels probes by these alone.
var Outcomes = []Status{StatusPass, StatusFail, StatusDrift, StatusNew, StatusError}

// Statuses are all the statuses in report order: Outcomes, then
// StatusInterrupted, which a cancelled run gives the sites it did not
// finish.
var Statuses = append(slices.Clip(Outcomes), StatusInterrupted)
