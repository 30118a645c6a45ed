// Package report writes run results in the formats people and CI systems
// read: a human summary and the JSON report whose shape DESIGN.md fixes.
// It only formats; it never probes, judges or writes goldens.
package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// JSONReport is the document `smtpspec run --format json` prints. Its
// field names are a public interface (DESIGN.md): add, never rename.
type JSONReport struct {
	Sites []JSONSite `json:"sites"`
	// Run describes the run (start, host, smtpspec build); absent when
	// the writer was given none. After the sites: reports began with
	// "sites", and readers may rely on it.
	Run *JSONRun `json:"run,omitempty"`
}

// JSONRun is the run's metadata in the JSON report.
type JSONRun struct {
	Started  string `json:"started"` // RFC 3339, UTC
	Host     string `json:"host"`    // the runner's host name
	Smtpspec Build  `json:"smtpspec"`
	// Interrupted is the signal that stopped the run early ("SIGINT");
	// absent when the run finished.
	Interrupted string `json:"interrupted,omitempty"`
}

// JSONSite is one site of the JSON report.
type JSONSite struct {
	Name   string `json:"name"`
	Method string `json:"method"`
	Status string `json:"status"` // pass, fail, drift, new, error, interrupted
	// Verdict has category "" for an interrupted site: nothing was
	// diagnosed; its summary says where the run was interrupted.
	Verdict diagnosis.VerdictJSON `json:"verdict"`
	Stages  []JSONStage           `json:"stages"`
	Drift   string                `json:"drift"` // unified diff against the golden, "" when none
	// EgressIP is the site's address as the server saw it (its EHLO reply's
	// "Hello [ip]"), "" when the server did not say.
	EgressIP string `json:"egress_ip"`
	// Accept is the command that accepts this run's pending golden
	// (AcceptCommand); absent when the run left none.
	Accept string `json:"accept,omitempty"`
	// Warnings are what a reader must see even when the site passed
	// (e.g. TLS verification turned off); absent when there are none.
	Warnings []string `json:"warnings,omitempty"`
	// Reachability holds DNS answers, connect attempts and the public
	// IP's reputation (reachability.go); absent when none was recorded.
	Reachability *JSONReach `json:"reachability,omitempty"`
	// Control is the control probe (checklist step 8): its own status,
	// verdict and stages; absent without a control block (control.go).
	Control *JSONSite `json:"control,omitempty"`
	// Trace is what message trace said about the sent message
	// (trace.go); absent without a lookup.
	Trace *JSONTrace `json:"trace,omitempty"`
}

// JSONStage is one stage of a site.
type JSONStage struct {
	Name       transcript.Stage `json:"name"`
	Status     string           `json:"status"` // pass, fail, skip, or expected (failed as the spec expects)
	DurationMS int64            `json:"duration_ms"`
}

// JSON writes the JSON report; Run, when set, fills its "run" object.
type JSON struct {
	Run Run
}

// NewJSON builds the JSON report of results, without run metadata.
func NewJSON(results []*runner.Result) JSONReport { return JSON{}.build(results) }

func (j JSON) build(results []*runner.Result) JSONReport {
	rep := JSONReport{Sites: []JSONSite{}}
	if !j.Run.Started.IsZero() {
		rep.Run = &JSONRun{Started: j.Run.stamp(), Host: j.Run.Host, Smtpspec: j.Run.Build, Interrupted: j.Run.Interrupted}
	}
	for _, r := range results {
		js := JSONSite{
			Name:     r.Site.Name,
			Method:   string(r.Site.Method),
			Status:   string(r.Status),
			Verdict:  r.Verdict.JSON(),
			Stages:   []JSONStage{},
			EgressIP: runner.EgressIP(r.Transcript),
			Warnings: r.Warnings,
			Accept:   AcceptCommand(r), // accept.go
		}
		js.Reachability = NewJSONReach(r.Transcript)
		js.Trace = NewJSONTrace(r.Transcript) // trace.go
		js.Control = jsonControl(r)           // control.go
		if r.Drift != nil {
			js.Drift = r.Drift.Diff
		}
		for _, o := range r.Outcomes {
			st := r.Transcript.Stage(o.Stage)
			js.Stages = append(js.Stages, JSONStage{
				Name:       o.Stage,
				Status:     StageStatus(o, st),
				DurationMS: st.Duration.Milliseconds(),
			})
		}
		rep.Sites = append(rep.Sites, js)
	}
	return rep
}

// StageStatus names a stage's outcome for reports: "expected" marks a
// stage that failed at the protocol level exactly as the spec expects.
func StageStatus(o checks.Outcome, st transcript.StageResult) string {
	if o.Status == transcript.Pass && o.Expected && st.Status == transcript.Fail {
		return "expected"
	}
	return string(o.Status)
}

// WriteJSON writes the JSON report without run metadata.
func WriteJSON(w io.Writer, results []*runner.Result) error { return JSON{}.Write(w, results) }

// Write writes the JSON report, indented, with a final newline.
func (j JSON) Write(w io.Writer, results []*runner.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j.build(results)); err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	return nil
}
