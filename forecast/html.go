package forecast

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/report"
)

//go:embed board.tmpl
var boardSource string

// boardPage is parsed on first use, like report's page.
var boardPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("board").Funcs(template.FuncMap{
		"verdict":  diagnosis.Verdict.Line,
		"customer": customerName,
		"anchor":   anchor,
		"word":     func(c *Cell) string { return strings.Trim(outcomeWord(c), "*") },
		"class":    (*Cell).Kind,
		"title":    cellTitle,
		"show":     func(s *SiteForecast) bool { return worst(s) != Survives || !s.Today.Works() },
		"later":    laterSteps,
		"join":     strings.Join,
	}).Parse(boardSource))
})

// WriteHTML writes the fleet board as one self-contained page (no
// external resource, no script: it opens from a CI artifact, offline).
func WriteHTML(w io.Writer, fc *Forecast, meta report.Run) error {
	about := ""
	if !meta.Started.IsZero() {
		about = "run at " + meta.Started.UTC().Format("2006-01-02 15:04 UTC")
		if meta.Host != "" {
			about += " on " + meta.Host
		}
		if b := meta.Build.String(); b != "" {
			about += " by smtpspec " + b
		}
	}
	data := struct {
		B           *Board
		About       string
		Interrupted bool
	}{NewBoard(fc), about, fc.Interrupted}
	if err := boardPage().Execute(w, data); err != nil {
		return fmt.Errorf("forecast html: %w", err)
	}
	return nil
}

// cellTitle is the matrix cell's tooltip: what the device gets, or what
// is missing.
func cellTitle(c *Cell) string {
	switch {
	case c.Outcome == Unknown:
		return "needs " + c.Needs
	case c.Verdict != nil:
		return c.Verdict.Line()
	}
	return string(c.Outcome)
}
