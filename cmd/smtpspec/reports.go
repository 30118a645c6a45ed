package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/runner"
)

// reportFormats are the values of --format and of --report FORMAT=FILE.
var reportFormats = []string{"human", "json", "junit", "markdown", "html"}

func knownFormat(f string) bool { return slices.Contains(reportFormats, f) }

// reportTarget is one --report FORMAT=FILE.
type reportTarget struct{ format, file string }

// parseReports reads every --report value; a run may write several.
func parseReports(vals []string) ([]reportTarget, error) {
	var out []reportTarget
	for _, v := range vals {
		format, file, ok := strings.Cut(v, "=")
		if !ok || file == "" {
			return nil, fmt.Errorf("--report %q: want FORMAT=FILE, like junit=report.xml", v)
		}
		if !knownFormat(format) {
			return nil, fmt.Errorf("--report %q: unknown format %q (%s)", v, format, strings.Join(reportFormats, ", "))
		}
		out = append(out, reportTarget{format, file})
	}
	return out, nil
}

// writeFormat writes the reports that CI systems read (human is written
// by writeReport itself). meta describes the run.
func writeFormat(w io.Writer, format string, results []*runner.Result, meta report.Run) error {
	switch format {
	case "json":
		return report.JSON{Run: meta}.Write(w, results)
	case "junit":
		return report.JUnit{Run: meta}.Write(w, results)
	case "markdown":
		return report.MarkdownSummary{Run: meta}.Write(w, results)
	case "html":
		return report.HTML{Run: meta}.Write(w, results)
	}
	return fmt.Errorf("unknown report format %q", format)
}

// runMeta describes a run starting now, for every report: start time,
// host name, smtpspec build.
func runMeta(now time.Time) report.Run {
	host, _ := os.Hostname()
	return report.Run{Started: now, Host: host, Build: readBuildInfo()}
}

// writeExtraReports writes each --report target; all are attempted, and
// every failure is returned (joined).
func writeExtraReports(e env, targets []reportTarget, goldenFlag string, results []*runner.Result, meta report.Run) error {
	var errs []error
	for _, t := range targets {
		if err := writeReport(e, t.format, t.file, false, false, goldenFlag, results, meta); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// annotate writes GitHub Actions annotations when running in GitHub
// Actions. They go to stderr, which the runner scans like stdout, so a
// report on stdout stays clean.
func annotate(e env, results []*runner.Result) {
	if e.getenv("GITHUB_ACTIONS") == "true" {
		report.WriteGitHubAnnotations(e.stderr, results)
	}
}
