package checks

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// Category names the kind of problem a verdict reports (DESIGN.md).
type Category string

const (
	OK         Category = "ok"
	Network    Category = "network"
	Firewall   Category = "firewall"
	TLSCat     Category = "tls"
	AuthCat    Category = "auth"
	Reputation Category = "reputation"
	Policy     Category = "policy"
	Recipient  Category = "recipient"
	Service    Category = "service"
	Config     Category = "config"
)

// Verdict is one site's diagnosis. Its JSON shape is a public interface
// (DESIGN.md "JSON report"): do not rename fields.
type Verdict struct {
	Category Category         `json:"category"`
	Stage    transcript.Stage `json:"stage"`
	Code     int              `json:"code"`
	Enhanced string           `json:"enhanced"`
	Summary  string           `json:"summary"`
	Step     int              `json:"step"` // checklist step 1-10 (DESIGN.md)
	Next     string           `json:"next"`
	// Evidence is the exact reply line or error that decided the verdict.
	// The JSON report carries it inside Summary; humans see it on its own line.
	Evidence string `json:"-"`
	// Rule names the diagnosis rule that decided the verdict (a catalog
	// row "catalog:ID" or a rule of rules.go) and Source the public
	// material it rests on; reports for people show them, the JSON shape
	// above stays as DESIGN.md fixes it.
	Rule   string `json:"-"`
	Source string `json:"-"`
	// Learn is the Microsoft documentation a reader follows for the
	// finding ("learn more", learn.go); Source may name forum threads,
	// Learn never does.
	Learn string `json:"-"`
	// Notes are the cross-stage inferences also written into Summary
	// (for the checklist report, which lists them on their own).
	Notes []string `json:"-"`
	// Findings are facts about the site's credentials and endpoint that
	// every report shows, whatever the verdict: OAuth token self-check,
	// basic-auth retirement, client certificate (oauth.go).
	Findings []Finding `json:"findings,omitempty"`
}

// Line is the one-line verdict every report prints: "reputation at rcpt
// (step 7): finding", without the quoted evidence that ends Summary (the
// evidence gets its own line or cell).
func (v Verdict) Line() string {
	summary := v.Summary
	if v.Evidence != "" {
		summary = strings.TrimSuffix(summary, ": "+fmt.Sprintf("%q", v.Evidence))
	}
	switch v.Category {
	case OK:
		return "ok: " + summary
	case "":
		return summary // not diagnosed (an interrupted probe): no category to claim
	}
	where := string(v.Category)
	if v.Stage != "" {
		where += " at " + string(v.Stage)
	}
	if v.Step > 0 {
		where += fmt.Sprintf(" (step %d)", v.Step)
	}
	return where + ": " + summary
}
