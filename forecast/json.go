package forecast

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/report"
)

// JSONForecast is what `smtpspec forecast --format json` prints. The
// shape scripts rely on (issue 18) is {"changes":[{"id","title","date",
// "source","confirmed"}],"sites":[{"name","method","today":{"status",
// "verdict"},"changes":{"<id>":{"outcome","verdict","fix"}}}]}, verdicts
// as in the run report; the other keys are additions. Add, never rename.
type JSONForecast struct {
	Changes []*Change      `json:"changes"`
	Sites   []JSONSite     `json:"sites"`
	Summary JSONSummary    `json:"summary"`
	Run     *JSONRunRecord `json:"forecast,omitempty"`
}

// JSONSite is one site.
type JSONSite struct {
	Name     string              `json:"name"`
	Method   string              `json:"method"`
	Customer string              `json:"customer"`
	Tags     []string            `json:"tags,omitempty"`
	File     string              `json:"file"`
	Endpoint string              `json:"endpoint"`
	Today    JSONToday           `json:"today"`
	Changes  map[string]JSONCell `json:"changes"`
	Notes    []string            `json:"notes,omitempty"`
}

// JSONToday is the site today, as `smtpspec run` judges it against the
// simulator.
type JSONToday struct {
	Status  string                `json:"status"`
	Verdict diagnosis.VerdictJSON `json:"verdict"`
	// Fix is what a site broken today needs to work now; absent for one
	// that works.
	Fix *Fix `json:"fix,omitempty"`
}

// JSONCell is the site under one change.
type JSONCell struct {
	Outcome Outcome                `json:"outcome"`
	Verdict *diagnosis.VerdictJSON `json:"verdict,omitempty"`
	Fix     string                 `json:"fix,omitempty"`
	// AlreadyBroken: the site fails today, before this change.
	AlreadyBroken bool   `json:"already_broken"`
	Needs         string `json:"needs,omitempty"` // unknown: what would decide it
	Why           string `json:"why,omitempty"`   // survives without a run: why the change does not meet the site
	Migration     *Fix   `json:"migration,omitempty"`
}

// JSONSummary is the board's counts.
type JSONSummary struct {
	Sites       int            `json:"sites"`
	BrokenToday int            `json:"broken_today"`
	PerChange   []JSONCount    `json:"per_change"`
	PerCustomer []JSONCustomer `json:"per_customer"`
}

// JSONCount is one change's counts.
type JSONCount struct {
	ID            string `json:"id"`
	Breaks        int    `json:"breaks"`
	AlreadyBroken int    `json:"already_broken"`
	Unknown       int    `json:"unknown"`
	Survives      int    `json:"survives"`
}

// JSONCustomer is one customer's counts.
type JSONCustomer struct {
	Customer    string      `json:"customer"`
	Sites       int         `json:"sites"`
	BrokenToday int         `json:"broken_today"`
	Break       int         `json:"break"`
	Unknown     int         `json:"unknown"`
	Safe        int         `json:"safe"`
	PerChange   []JSONCount `json:"per_change"`
}

// JSONRunRecord describes the forecast run.
type JSONRunRecord struct {
	Started     string       `json:"started"`
	Host        string       `json:"host,omitempty"`
	Smtpspec    report.Build `json:"smtpspec"`
	ElapsedMS   int64        `json:"elapsed_ms"`
	Runs        int          `json:"runs"`
	Reused      int          `json:"reused"`
	Interrupted string       `json:"interrupted,omitempty"`
}

// WriteJSON writes fc as JSON; meta (when its Started is set) fills
// "forecast".
func WriteJSON(w io.Writer, fc *Forecast, meta report.Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(NewJSON(fc, meta)); err != nil {
		return fmt.Errorf("forecast json: %w", err)
	}
	return nil
}

// NewJSON builds the JSON document of fc.
func NewJSON(fc *Forecast, meta report.Run) JSONForecast {
	b := NewBoard(fc)
	out := JSONForecast{Changes: fc.Changes, Sites: []JSONSite{}}
	for _, s := range fc.Sites {
		js := JSONSite{Name: s.Name, Method: string(s.Method), Customer: s.Customer, Tags: s.Tags, File: s.File,
			Endpoint: s.Endpoint, Today: JSONToday{Status: string(s.Today.Status), Verdict: s.Today.Verdict.JSON(), Fix: s.TodayFix},
			Changes: map[string]JSONCell{}, Notes: s.Notes}
		for _, c := range s.Cells {
			jc := JSONCell{Outcome: c.Outcome, AlreadyBroken: c.Already, Needs: c.Needs, Why: c.Why, Migration: c.Fix}
			if c.Verdict != nil {
				v := c.Verdict.JSON()
				jc.Verdict = &v
			}
			if c.Fix != nil {
				jc.Fix = c.Fix.Title + ": " + c.Fix.Text
			}
			js.Changes[c.Change.ID] = jc
		}
		out.Sites = append(out.Sites, js)
	}
	out.Summary = JSONSummary{Sites: b.Total, BrokenToday: b.BrokenToday, PerChange: jsonCounts(b.PerChange)}
	for _, r := range b.Customers {
		out.Summary.PerCustomer = append(out.Summary.PerCustomer, JSONCustomer{Customer: r.Customer, Sites: r.Sites,
			BrokenToday: r.BrokenToday, Break: r.Break, Unknown: r.Unknown, Safe: r.Safe, PerChange: jsonCounts(r.PerChange)})
	}
	if !meta.Started.IsZero() {
		out.Run = &JSONRunRecord{Started: meta.Started.UTC().Format(time.RFC3339), Host: meta.Host, Smtpspec: meta.Build,
			ElapsedMS: fc.Elapsed.Milliseconds(), Runs: fc.Runs, Reused: fc.Reused, Interrupted: meta.Interrupted}
	}
	return out
}

func jsonCounts(cs []Count) []JSONCount {
	out := []JSONCount{}
	for _, c := range cs {
		out = append(out, JSONCount{ID: c.Change.ID, Breaks: c.Breaks, AlreadyBroken: c.Already, Unknown: c.Unknown, Survives: c.Survives})
	}
	return out
}
