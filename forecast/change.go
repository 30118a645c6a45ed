package forecast

import (
	"fmt"
	"slices"
	"strings"
)

// Change is one announced Microsoft 365 change, as FACTS.md section 0
// (updates of 2026-12-03) gives it. Its JSON fields are a public
// interface (the forecast JSON's "changes"): add, never rename.
type Change struct {
	ID    string `json:"id"`    // stable kebab-case
	Title string `json:"title"` // what changes, in a sentence
	// Date is as Microsoft announced it: a day, a month, "announced: H2
	// 2027", or what is known of it.
	Date string `json:"date"`
	// Effective is the earliest day the change can reach a site
	// (YYYY-MM-DD), the boards' sort key; "" when nothing is announced.
	Effective string `json:"effective"`
	Source    string `json:"source"`
	// Confirmed: Microsoft-authored sources confirm the change and its
	// date. Unconfirmed says what FACTS.md marks UNCONFIRMED about it,
	// which the forecast plays as written here and never as certain.
	Confirmed   bool   `json:"confirmed"`
	Unconfirmed string `json:"unconfirmed,omitempty"`
	// inEffect: the change already applies to every tenant it concerns
	// (its day has passed), so a site it is known to reach meets it today.
	inEffect bool
	// Future is the sim.Future that plays the change at the endpoint; ""
	// when it changes only the world around it (names, trust).
	Future string `json:"-"`
	// reach says whether the change meets the site; alter is what it
	// changes outside the endpoint for a site it meets (world.go), dns
	// what it changes in the names every such site resolves (views.go).
	reach func(p *profile) reach
	alter func(a *alteration, p *profile)
	dns   *dnsRule
	// fixes are the migrations to try for a site it breaks, best first
	// (fix.go).
	fixes []string
}

// reach is whether a change meets a site.
type reach struct {
	kind reachKind
	// why the change does not meet the site (reachNo), or what would
	// decide whether it does (reachUnknown: the fact, and how to state it).
	text string
}

type reachKind int

const (
	reachYes     reachKind = iota // the change meets the site: run it
	reachNo                       // it does not: the site meets today's behaviour
	reachUnknown                  // the spec cannot tell: run the case in which it does
)

func yes() reach                 { return reach{kind: reachYes} }
func no(why string) reach        { return reach{kind: reachNo, text: why} }
func unknown(needs string) reach { return reach{kind: reachUnknown, text: needs} }

// Select returns the changes named by ids (all when none), in the
// table's order; an unknown id is an error that lists the valid ones.
func Select(ids []string) ([]*Change, error) {
	all := Changes()
	if len(ids) == 0 {
		return all, nil
	}
	var out []*Change
	for _, c := range all {
		if slices.Contains(ids, c.ID) {
			out = append(out, c)
		}
	}
	for _, id := range ids {
		if !slices.ContainsFunc(all, func(c *Change) bool { return c.ID == id }) {
			return nil, fmt.Errorf("unknown change %q; the changes are: %s", id, strings.Join(ChangeIDs(), ", "))
		}
	}
	return out, nil
}

// ChangeIDs lists the change IDs in the table's order.
func ChangeIDs() []string {
	var out []string
	for _, c := range Changes() {
		out = append(out, c.ID)
	}
	return out
}

// sortKey orders changes by the earliest day they can reach a site; one
// with nothing announced comes last.
func (c *Change) sortKey() string {
	if c.Effective == "" {
		return "9999-99-99"
	}
	return c.Effective
}
