package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/runner"
)

// reportFormats are the values of --format and of --report FORMAT=FILE.
var reportFormats = report.FormatNames()

func knownFormat(f string) bool { return slices.Contains(reportFormats, f) }

// orList words names as a choice: "human, json or html".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

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

// runMeta describes a run starting now, for every report: start time,
// host name, smtpspec build.
func runMeta(now time.Time) report.Run {
	host, _ := os.Hostname()
	return report.Run{Started: now, Host: host, Build: readBuildInfo()}
}

// writeReports writes the run's report (--format, to --out or stdout) and
// every --report target. All are attempted; each failure is printed, and
// false means one was not written (exit 2).
func writeReports(e env, f runFlags, targets []reportTarget, results []*runner.Result, meta report.Run) bool {
	ok := true
	if err := writeReport(e, f.format, f.out, f.verbose, f.explain, results, meta); err != nil {
		errorf(e.stderr, "%v", err)
		ok = false
	}
	for _, t := range targets {
		var buf bytes.Buffer
		err := renderReport(e, &buf, t.format, false, false, false, results, meta)
		if err == nil {
			err = atomicfile.Write(t.file, buf.Bytes())
		}
		if err != nil {
			errorf(e.stderr, "report %s not written (any previous one is unchanged): %v", t.file, err)
			ok = false
		}
	}
	return ok
}

// prepareReportFiles checks, before anything is probed, that every report
// the run will write can be: a missing folder is created, and a report
// that could not be written (a folder in its place, a folder that does
// not take files, two reports to one file) is an error now rather than
// after every site was probed, AUTH attempts included.
func prepareReportFiles(out string, targets []reportTarget) error {
	files := make([]string, 0, len(targets)+1)
	if out != "" {
		files = append(files, out)
	}
	for _, t := range targets {
		files = append(files, t.file)
	}
	seen := map[string]bool{}
	for _, file := range files {
		key := filepath.Clean(file)
		if seen[key] {
			return fmt.Errorf("two reports would be written to %s: give each its own file", file)
		}
		seen[key] = true
		if err := writable(file); err != nil {
			return err
		}
	}
	return nil
}

// writable creates file's folder if needed and proves a file can be
// created in it, as atomicfile.Write will (a temporary file and a
// rename), leaving nothing behind.
func writable(file string) error {
	if info, err := os.Stat(file); err == nil && info.IsDir() {
		return fmt.Errorf("report %s is a folder: give a file name, like %s", file, filepath.Join(file, "report.xml"))
	}
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the folder of report %s: %w", file, err)
	}
	probe, err := os.CreateTemp(dir, "."+filepath.Base(file)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write report %s: %w", file, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// annotate writes GitHub Actions annotations when running in GitHub
// Actions. They go to stderr, which the runner scans like stdout, so a
// report on stdout stays clean.
func annotate(e env, results []*runner.Result) {
	if e.getenv("GITHUB_ACTIONS") == "true" {
		report.WriteGitHubAnnotations(e.stderr, results)
	}
}
