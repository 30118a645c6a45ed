package forecast

import (
	"slices"
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// Outcome is what a change does to a site.
type Outcome string

const (
	Survives Outcome = "survives" // the device's mail still goes through
	Breaks   Outcome = "breaks"   // it does not (Cell.Already: it does not today either)
	Unknown  Outcome = "unknown"  // the spec cannot tell (Cell.Needs says what would)
)

// Forecast is a fleet's forecast: the changes in date order and every
// site in the order given.
type Forecast struct {
	Changes []*Change
	Sites   []*SiteForecast
	Started time.Time
	Elapsed time.Duration
	// Runs counts the distinct probes the simulators answered; Reused the
	// results taken from an equal site in an equal setup.
	Runs, Reused int
	// Interrupted: the forecast was stopped (SIGINT/SIGTERM) before every
	// site was done; those not done say so.
	Interrupted bool
}

// SiteForecast is one site's row of the matrix.
type SiteForecast struct {
	Name     string
	Method   transcript.Method
	Customer string // customer.go; "" when neither the spec nor its folder says
	Tags     []string
	File     string // the spec file
	Endpoint string // the host the device names, or "MX of <domain>"
	Today    Today
	// TodayFix is what a site broken today needs to work today (verified
	// in the simulator when it can be played); nil for a working site.
	TodayFix *Fix
	Cells    []*Cell // one per Forecast.Changes, in that order
	// Notes are what the reader must know to trust the row: stand-ins
	// for unset variables, what today assumes, an endpoint the forecast
	// cannot play.
	Notes       []string
	Interrupted bool
}

// Today is the site against Microsoft 365 as it behaves now: the status
// and verdict `smtpspec run` gives against the simulator (goldens aside:
// a site that meets its expectations passes).
type Today struct {
	Status  runner.Status
	Verdict diagnosis.Verdict
}

// Works reports the device's mail goes through today.
func (t Today) Works() bool { return t.Verdict.Category == catalog.OK }

// Cell is one site under one change.
type Cell struct {
	Change  *Change
	Outcome Outcome
	// Verdict is what the device gets under the change, as the run report
	// gives it; for Unknown, what it gets if the undecided fact goes
	// against it. nil when nothing was run (an endpoint the forecast
	// cannot play, an interrupted forecast).
	Verdict *diagnosis.Verdict
	// Already: the site is broken today, before this change.
	Already bool
	// Needs (Unknown) is what would decide it and how to state it; Why
	// (Survives without a run) is why the change does not meet the site.
	Needs, Why string
	Fix        *Fix // for Breaks and Unknown: the migration that fits the device
}

// Kind names the cell for a matrix: "breaks" (works today, not under
// the change), "already" (broken today), "unknown" or "survives".
func (c *Cell) Kind() string {
	switch {
	case c.Outcome == Breaks && c.Already:
		return "already"
	case c.Outcome == Breaks:
		return "breaks"
	case c.Outcome == Unknown:
		return "unknown"
	}
	return "survives"
}

// Cell returns the site's cell for change id, nil if it was not forecast.
func (s *SiteForecast) Cell(id string) *Cell {
	if i := slices.IndexFunc(s.Cells, func(c *Cell) bool { return c.Change.ID == id }); i >= 0 {
		return s.Cells[i]
	}
	return nil
}

// ByDate orders changes by the earliest day they can reach a site, ties
// in the table's order (the boards' order).
func ByDate(cs []*Change) []*Change { return sortedChanges(cs) }

// sortedChanges orders changes by the earliest day they can reach a site,
// ties in the table's order.
func sortedChanges(cs []*Change) []*Change {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b *Change) int {
		switch {
		case a.sortKey() < b.sortKey():
			return -1
		case a.sortKey() > b.sortKey():
			return 1
		}
		return 0
	})
	return out
}
