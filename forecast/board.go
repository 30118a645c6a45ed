package forecast

import (
	"cmp"
	"slices"
)

// Board is the fleet view every report opens with: counts per change and
// per customer, changes by date, the sites that break soonest first.
type Board struct {
	Changes     []*Change // by the earliest day they can reach a site
	PerChange   []Count   // one per Changes, in that order
	Customers   []CustomerRow
	Sites       []*SiteForecast // broken today first, then by the date of their first break
	BrokenToday int
	Total       int
}

// Count is how many sites a change leaves in each outcome. Breaks counts
// the sites that work today and break at the change; Already those broken
// today (they fail under it too).
type Count struct {
	Change                             *Change
	Breaks, Already, Unknown, Survives int
}

// CustomerRow is one customer's sites.
type CustomerRow struct {
	Customer    string // "" for sites no customer is known for
	Sites       int
	BrokenToday int
	// Break counts the sites that break at some change (today's broken
	// ones aside), Unknown those with an unknown and no break, Safe those
	// that survive every change.
	Break, Unknown, Safe int
	PerChange            []Count // one per Board.Changes
}

// NewBoard counts fc.
func NewBoard(fc *Forecast) *Board {
	b := &Board{Changes: fc.Changes, Total: len(fc.Sites)}
	for _, c := range fc.Changes {
		b.PerChange = append(b.PerChange, Count{Change: c})
	}
	rows := map[string]*CustomerRow{}
	for _, s := range fc.Sites {
		row := rows[s.Customer]
		if row == nil {
			row = &CustomerRow{Customer: s.Customer}
			for _, c := range fc.Changes {
				row.PerChange = append(row.PerChange, Count{Change: c})
			}
			rows[s.Customer] = row
		}
		row.Sites++
		if !s.Interrupted && !s.Today.Works() {
			b.BrokenToday++
			row.BrokenToday++
		}
		switch worst(s) {
		case Breaks:
			if s.Today.Works() {
				row.Break++
			}
		case Unknown:
			row.Unknown++
		default:
			row.Safe++
		}
		for i, c := range s.Cells {
			b.PerChange[i].add(c)
			row.PerChange[i].add(c)
		}
	}
	for _, r := range rows {
		b.Customers = append(b.Customers, *r)
	}
	slices.SortFunc(b.Customers, func(x, y CustomerRow) int {
		return cmp.Or(cmp.Compare(cmpBool(x.Customer == ""), cmpBool(y.Customer == "")) /* named first */, cmp.Compare(x.Customer, y.Customer))
	})
	b.Sites = slices.Clone(fc.Sites)
	slices.SortStableFunc(b.Sites, func(x, y *SiteForecast) int {
		return cmp.Or(cmp.Compare(urgency(x), urgency(y)), cmp.Compare(x.Name, y.Name))
	})
	return b
}

func (n *Count) add(c *Cell) {
	switch {
	case c.Outcome == Breaks && c.Already:
		n.Already++
	case c.Outcome == Breaks:
		n.Breaks++
	case c.Outcome == Unknown:
		n.Unknown++
	default:
		n.Survives++
	}
}

func cmpBool(b bool) int {
	if b {
		return 1
	}
	return 0
}

// worst is a site's worst outcome over the changes.
func worst(s *SiteForecast) Outcome {
	out := Survives
	for _, c := range s.Cells {
		switch c.Outcome {
		case Breaks:
			return Breaks
		case Unknown:
			out = Unknown
		}
	}
	return out
}

// urgency sorts sites: broken today ("0"), then by the earliest day a
// change breaks them, then by the earliest day one may (unknown), then
// those that survive everything; interrupted sites last.
func urgency(s *SiteForecast) string {
	switch {
	case s.Interrupted:
		return "9"
	case !s.Today.Works():
		return "0"
	}
	first := func(o Outcome) string {
		best := ""
		for _, c := range s.Cells {
			if c.Outcome == o && (best == "" || c.Change.sortKey() < best) {
				best = c.Change.sortKey()
			}
		}
		return best
	}
	if d := first(Breaks); d != "" {
		return "1" + d
	}
	if d := first(Unknown); d != "" {
		return "2" + d
	}
	return "3"
}

// FirstBreak is the earliest change s breaks at (working today), nil if none.
func (s *SiteForecast) FirstBreak() *Cell {
	var best *Cell
	for _, c := range s.Cells {
		if c.Outcome == Breaks && !c.Already && (best == nil || c.Change.sortKey() < best.Change.sortKey()) {
			best = c
		}
	}
	return best
}

// Breaking reports whether a site breaks at some change or is broken
// today: what makes `smtpspec forecast` exit 1.
func (fc *Forecast) Breaking() bool {
	for _, s := range fc.Sites {
		if worst(s) == Breaks {
			return true
		}
	}
	return false
}
