package diagnosis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// Verdict is one site's diagnosis, its parts kept apart: what happened
// (Finding), the notes other stages add, and the exact evidence. The
// sentences reports print are composed from them at the edge: Line for
// people, Summary (inside JSON) for the JSON reports.
type Verdict struct {
	Category catalog.Category
	Stage    transcript.Stage
	Code     int
	Enhanced string
	// Finding is what happened, in one sentence, without notes or evidence.
	Finding string
	Step    int // checklist step 1-10 (DESIGN.md)
	Next    string
	// Notes are the cross-stage inferences that follow the finding ("TLS
	// completed, so MTU/fragmentation is ruled out"), in the order they
	// were made; a rule that replaces the finding replaces them too.
	Notes []string
	// Evidence is the exact reply line or error that decided the verdict.
	// The JSON report carries it inside its summary; humans see it on its
	// own line.
	Evidence string
	// Rule names the diagnosis rule that decided the verdict (a catalog
	// row "catalog:ID" or a rule of rules.go) and Source the public
	// material it rests on; reports for people show them, the JSON shape
	// stays as DESIGN.md fixes it.
	Rule   string
	Source string
	// Learn is the Microsoft documentation a reader follows for the
	// finding ("learn more", learn.go); Source may name forum threads,
	// Learn never does.
	Learn string
	// Findings are facts about the site's credentials and endpoint that
	// every report shows, whatever the verdict: OAuth token self-check,
	// basic-auth retirement, client certificate (oauth.go).
	Findings []Finding
}

// Text is the finding and its notes: the verdict in words, without the
// evidence.
func (v Verdict) Text() string {
	if len(v.Notes) == 0 {
		return v.Finding
	}
	return v.Finding + "; " + strings.Join(v.Notes, "; ")
}

// Summary is the JSON reports' one sentence: `finding; note; ...:
// "evidence"`, the evidence %q-quoted and last, the shape readers of the
// JSON report rely on.
func (v Verdict) Summary() string {
	if v.Evidence == "" {
		return v.Text()
	}
	return v.Text() + ": " + strconv.Quote(v.Evidence)
}

// Line is the one-line verdict every report prints: "reputation at rcpt
// (step 7): finding; notes", without the evidence (it gets its own line
// or cell).
func (v Verdict) Line() string {
	switch v.Category {
	case catalog.OK:
		return "ok: " + v.Text()
	case "":
		return v.Text() // not diagnosed (an interrupted probe): no category to claim
	}
	where := string(v.Category)
	if v.Stage != "" {
		where += " at " + string(v.Stage)
	}
	if v.Step > 0 {
		where += fmt.Sprintf(" (step %d)", v.Step)
	}
	return where + ": " + v.Text()
}

// VerdictJSON is a verdict as the JSON reports carry it (DESIGN.md "JSON
// report"): its field names are a public interface, do not rename them.
type VerdictJSON struct {
	Category catalog.Category `json:"category"`
	Stage    transcript.Stage `json:"stage"`
	Code     int              `json:"code"`
	Enhanced string           `json:"enhanced"`
	Summary  string           `json:"summary"`
	Step     int              `json:"step"`
	Next     string           `json:"next"`
	Findings []Finding        `json:"findings,omitempty"`
}

// JSON is v in the JSON reports' shape.
func (v Verdict) JSON() VerdictJSON {
	return VerdictJSON{Category: v.Category, Stage: v.Stage, Code: v.Code, Enhanced: v.Enhanced,
		Summary: v.Summary(), Step: v.Step, Next: v.Next, Findings: v.Findings}
}
