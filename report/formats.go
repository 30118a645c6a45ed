package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/runner"
)

// Writer writes one report of a run's results.
type Writer interface {
	Write(w io.Writer, results []*runner.Result) error
}

// Options are what a report format may read besides the results.
type Options struct {
	Run     Run  // the run's metadata (start, host, build)
	Color   bool // ANSI colour: the human report on a terminal
	Verbose bool // every site's transcript (human)
	Explain bool // every site's ten-step checklist (human)
}

// Format is one report format: its name (--format NAME, --report
// NAME=FILE) and the writer it makes.
type Format struct {
	Name string
	New  func(Options) Writer
}

// Formats lists every report format, the default first: a new format is
// a writer in its own file and a row here. A name that is not in this
// table is an error, never the human report.
var Formats = []Format{
	{"human", func(o Options) Writer { return Human{Color: o.Color, Verbose: o.Verbose, Explain: o.Explain} }},
	{"json", func(o Options) Writer { return JSON{Run: o.Run} }},
	{"junit", func(o Options) Writer { return JUnit{Run: o.Run} }},
	{"markdown", func(o Options) Writer { return MarkdownSummary{Run: o.Run} }},
	{"html", func(o Options) Writer { return HTML{Run: o.Run} }},
}

// FormatNames are the names of Formats, in order.
func FormatNames() []string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return names
}

// FormatNamed returns the writer of format name under o.
func FormatNamed(name string, o Options) (Writer, error) {
	for _, f := range Formats {
		if f.Name == name {
			return f.New(o), nil
		}
	}
	return nil, fmt.Errorf("unknown report format %q (%s)", name, strings.Join(FormatNames(), ", "))
}
