package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// HTML writes one self-contained page (no external resource: it opens
// from a CI artifact, offline) with, per site, the verdict, a waterfall of
// stage durations, the transcript and the diff against the golden.
type HTML struct {
	Run Run // the run's start, host and build, and whether it was interrupted
}

//go:embed html.tmpl
var htmlSource string

// htmlPage is parsed on first use: parsed at package init, every
// smtpspec process would pay ~0.2 ms before main for a page few runs write.
var htmlPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Funcs(template.FuncMap{
		"verdict": diagnosis.Verdict.Line,
		"lower":   strings.ToLower,
	}).Parse(htmlSource))
})

// htmlSite is one site as the template sees it.
type htmlSite struct {
	Name, Method, Status, Verdict, Evidence, Next, Spec, GoldenPath, Pending, Accept, Error string
	EgressIP                                                                                string
	Notices                                                                                 []diagnosis.Finding // warnings and findings (findings.go)
	Waterfall                                                                               waterfall
	Transcript                                                                              string
	DriftStages                                                                             string
	Diff                                                                                    []diffLine
}

// diffLine is one line of the diff, in parts so the template can mark
// the words its counterpart does not have (<mark>); the page wraps diff
// lines (pre-wrap), so a mark far into a long line stays in view.
type diffLine struct {
	Class string
	Op    string
	Parts []textPart
}

// waterfall is a site's stage timeline, laid out in SVG units.
type waterfall struct {
	Width, Height int
	TotalMS       string
	Bars          []bar
}

type bar struct {
	Stage, Status, Label string
	Skipped              string // why a skipped stage has no bar
	Y, TextY             int
	X, W                 string // float coordinates, formatted
}

const (
	wfLabel = 80  // width of the stage-name column
	wfPlot  = 520 // width of the time axis
	wfRow   = 20
)

func newWaterfall(r *runner.Result) waterfall {
	rows := stageRows(r)
	var total float64
	for _, row := range rows {
		total = max(total, row.StartMS+row.MS)
	}
	scale := 0.0
	if total > 0 {
		scale = wfPlot / total
	}
	wf := waterfall{Width: wfLabel + wfPlot + 90, Height: len(rows)*wfRow + 4, TotalMS: fmt.Sprintf("%.1f ms", total)}
	for i, row := range rows {
		b := bar{Stage: string(row.Name), Status: row.Status, Y: i*wfRow + 3, TextY: i*wfRow + 16, Skipped: "not reached"}
		switch {
		case r.Status == runner.StatusInterrupted && row.Name == r.Transcript.Interrupted:
			b.Skipped = "interrupted here"
			if row.MS > 0 {
				b.Skipped += fmt.Sprintf(", after %.1f ms", row.MS)
			}
		case r.Status == runner.StatusInterrupted:
			b.Skipped = "not run (interrupted)"
		}
		if row.Status != "skip" {
			w := max(row.MS*scale, 2) // a 0 ms stage still shows
			b.X = fmt.Sprintf("%.1f", wfLabel+row.StartMS*scale)
			b.W = fmt.Sprintf("%.1f", w)
			b.Label = fmt.Sprintf("%.1f ms", row.MS)
		}
		wf.Bars = append(wf.Bars, b)
	}
	return wf
}

func newHTMLSite(r *runner.Result) htmlSite {
	file, line := SpecLine(r)
	s := htmlSite{
		Name: r.Site.Name, Method: string(r.Site.Method), Status: string(r.Status),
		Verdict: r.Verdict.Line(), Evidence: r.Verdict.Evidence, Spec: fmt.Sprintf("%s:%d", file, line),
		GoldenPath: r.GoldenPath, Pending: r.Pending, Accept: AcceptCommand(r), Notices: notices(r), EgressIP: runner.EgressIP(r.Transcript),
		Waterfall: newWaterfall(r), Transcript: string(r.Golden),
	}
	if r.Status == runner.StatusFail || r.Status == runner.StatusInterrupted {
		s.Next = r.Verdict.Next
	}
	if r.Err != nil && r.Status != runner.StatusInterrupted { // its verdict says it already
		s.Error = r.Err.Error()
	}
	if r.Drift != nil {
		s.DriftStages = transcript.JoinStages(r.Drift.Stages, ", ")
		for _, l := range r.Drift.Lines {
			s.Diff = append(s.Diff, newDiffLine(l))
		}
	}
	return s
}

func newDiffLine(l golden.DiffLine) diffLine {
	switch l.Op {
	case '@':
		return diffLine{Class: "hunk", Parts: []textPart{{Text: l.Text}}}
	case '-':
		return diffLine{Class: "del", Op: "-", Parts: parts(l)}
	case '+':
		return diffLine{Class: "add", Op: "+", Parts: parts(l)}
	}
	return diffLine{Class: "ctx", Op: " ", Parts: parts(l)}
}

// Write writes the page.
func (h HTML) Write(w io.Writer, results []*runner.Result) error {
	data := struct {
		About, Counts, Interrupted string
		Unjudged                   int
		Statuses                   []string
		Sites                      []htmlSite
	}{About: h.Run.about(), Counts: Counts(results), Interrupted: h.Run.Interrupted, Unjudged: interruptedSites(results)}
	seen := map[runner.Status]bool{}
	for _, r := range results {
		data.Sites = append(data.Sites, newHTMLSite(r))
		seen[r.Status] = true
	}
	for _, s := range runner.Statuses {
		if seen[s] {
			data.Statuses = append(data.Statuses, string(s))
		}
	}
	if err := htmlPage().Execute(w, data); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}
