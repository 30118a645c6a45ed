// Package catalog is what Microsoft 365 looks like on the wire: its reply
// catalog (each reply as public sources show it, with its category,
// checklist step, finding, next action and source), the firewall masks
// a catalog row recognises in a session, Microsoft's SMTP host names, and
// the sources and Microsoft pages the rows cite. The simulator renders
// its replies from the same rows the diagnosis matches, so the two cannot
// disagree. It does not judge stages (package checks) nor decide a
// verdict (the diagnosis); it never fetches a source.
package catalog

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// Entry is one Microsoft 365 reply as public sources show it on the wire,
// with what it means for a device. The same table drives the diagnosis
// (Match) and the simulator (which sends Render(Text)), so the two cannot
// disagree. Every row names its source; rows from facts that no source
// confirms have Confirmed false and say "likely" in their Finding.
type Entry struct {
	ID       string // stable key, used by the simulator's scenarios
	Code     int
	Enhanced string // "" when the reply has none
	// Text is the reply text after the code, as seen, with placeholders:
	// <HOST> front-end host name, <IP> client address, <TS> ISO timestamp,
	// <TOKEN> 16-hex session token, <DATE> RFC 1123 date, <FROM>/<USER>.
	Text string
	// Pattern matches the reply text loosely (texts vary over time, see
	// FACTS.md README: match codes and enhanced codes first, text loosely).
	// nil means code and enhanced code alone identify the reply.
	Pattern   *lazyre.Regexp
	Stage     transcript.Stage // the stage where it is seen
	Category  Category
	Step      int // checklist step (DESIGN.md)
	Finding   string
	Next      string
	Source    string
	Confirmed bool
	// Learn is the Microsoft documentation for the row's finding, shown to
	// readers as "learn more" ("" takes the page for the row's category,
	// learn.go). Source keeps the evidence, forum threads included.
	Learn string
	// Telling: Pattern alone identifies the reply, so explain may read the
	// row from an application's message that dropped the reply code
	// ("Invalid login: Authentication unsuccessful, the request did not
	// meet the criteria ...").
	Telling bool
}

// Render fills the placeholders of e.Text with the given values (missing
// keys are left as they are) and returns the full reply line text.
func (e *Entry) Render(vals map[string]string) string {
	s := e.Text
	for k, v := range vals {
		s = strings.ReplaceAll(s, "<"+k+">", v)
	}
	return s
}

// Lookup returns the entry with the given ID, or nil.
func Lookup(id string) *Entry {
	for i := range Catalog {
		if Catalog[i].ID == id {
			return &Catalog[i]
		}
	}
	return nil
}

// Match returns the catalog entry that best explains reply r seen at stage,
// or nil. An entry matches when its code and enhanced code equal the
// reply's (an entry without an enhanced code matches any) and its Pattern,
// if any, matches the text. Among matches, an entry whose pattern matched
// wins over one identified by codes alone, and an entry for the same stage
// wins over one for another stage. A reply whose code the capture did
// not show (Code 0) matches a row by its enhanced code or its pattern,
// whatever the row's code. A localised reply that matches no row is
// identified by its codes (byCodes).
func Match(stage transcript.Stage, r *transcript.Reply) *Entry {
	if r == nil {
		return nil
	}
	text := r.Text()
	var best *Entry
	bestScore := -1
	for i := range Catalog {
		e := &Catalog[i]
		if e.Code != 0 && r.Code != 0 && e.Code != r.Code {
			continue
		}
		if r.Code == 0 && e.Pattern == nil && (e.Enhanced == "" || e.Enhanced != r.Enhanced) {
			continue // codes alone cannot identify a reply that lacks one
		}
		if e.Enhanced != "" && e.Enhanced != r.Enhanced {
			continue
		}
		score := 0
		if e.Pattern != nil {
			if !e.Pattern.MatchString(text) {
				continue
			}
			score += 4
		}
		if e.Enhanced != "" {
			score += 2
		}
		if e.Stage == stage {
			score++
		}
		if score > bestScore {
			best, bestScore = e, score
		}
	}
	if best == nil {
		return byCodes(r) // localised.go
	}
	return best
}
