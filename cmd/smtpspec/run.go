package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	"golang.org/x/term"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// runFlags are the flags of `smtpspec run` (DESIGN.md: keep stable).
type runFlags struct {
	golden   string
	update   bool
	sites    multiFlag
	parallel int
	format   string
	out      string
	verbose  bool
	explain  bool // human: the troubleshooting checklist per site (report/checklist.go)
	force    bool
	reports  multiFlag // --report FORMAT=FILE (reports.go)
	prune    bool      // remove goldens of sites no spec declares (goldens.go)
	raw      string    // --raw DIR: unnormalised transcripts for Microsoft support (raw.go)
}

func cmdRun(ctx context.Context, e env, args []string) int {
	// The reply catalog's, rules' and normaliser's expressions
	// (internal/lazyre), compiled while the first round trips are on the
	// wire instead of before main or after the last reply. The system's
	// roots are read the same way, by the probes that need them
	// (runner.PreloadSystemRoots).
	go lazyre.CompileAll()
	meta := runMeta(time.Now()) // reports.go: the run's start, host and build
	var f runFlags
	fs := newFlags("run", "[flags] [PATH...]   (default PATH: specs/)", e)
	fs.StringVar(&f.golden, "golden", "golden", "folder of golden transcripts (`DIR`)")
	fs.BoolVar(&f.update, "update", false, "rewrite goldens from this run (also GOLDIE_UPDATE=1)")
	fs.Var(&f.sites, "site", "only sites whose name matches `GLOB` (repeatable)")
	fs.IntVar(&f.parallel, "parallel", 8, "probe up to `N` sites at once")
	fs.StringVar(&f.format, "format", "human", "report format: human, json, junit, markdown or html")
	fs.Var(&f.reports, "report", "also write a report as `FORMAT=FILE`, like junit=report.xml (repeatable)")
	fs.BoolVar(&f.prune, "prune", false, "remove goldens of sites that no spec declares any more")
	fs.StringVar(&f.out, "out", "", "write the report to `FILE` instead of stdout")
	fs.BoolVar(&f.verbose, "v", false, "human format: print every site's transcript")
	fs.BoolVar(&f.explain, "explain", false, "human format: print the ten troubleshooting checklist steps of every site")
	fs.BoolVar(&f.force, "force", false, "probe a mailbox even if it failed AUTH less than 15 minutes ago")
	fs.StringVar(&f.raw, "raw", "", "also save each site's unnormalised transcript as `DIR`/<site>.raw.txt (secrets redacted), for Microsoft support")
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	if !knownFormat(f.format) {
		errorf(e.stderr, "unknown --format %q (human, json, junit, markdown or html)", f.format)
		return exitUsage
	}
	targets, err := parseReports(f.reports)
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	if f.parallel < 1 {
		errorf(e.stderr, "--parallel must be at least 1")
		return exitUsage
	}
	if v := e.getenv("GOLDIE_UPDATE"); v == "1" || v == "true" {
		if inCI(e.getenv) {
			errorf(e.stderr, "CI is set: GOLDIE_UPDATE is ignored, goldens change only with --update (pending ones are written as .golden.new)")
		} else {
			f.update = true
		}
	}
	if len(paths) == 0 {
		paths = []string{"specs"}
	}
	sites, ok := loadSpecs(e, paths)
	if !ok {
		return exitUsage
	}
	all := sites
	sites, err = selectSites(sites, f.sites)
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	if err := prepareRaw(f.raw); err != nil { // raw.go: before any probe
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	prog := newProgress(e, len(sites))
	results := runner.Run(ctx, sites, runner.Options{
		Parallel: f.parallel,
		Golden:   golden.Store{Dir: f.golden},
		Update:   f.update,
		Throttle: newThrottle(e, sites, f.force),
		Pending:  true,
		OnStage:  prog.Stage,
		OnResult: prog.Done,
	})
	prog.Finish()
	sig, interrupted := interruptedBy(ctx) // signal.go
	if interrupted {
		meta.Interrupted = sig.Error()
	}
	orphans(e, golden.Store{Dir: f.golden}, all, f.prune && !interrupted) // an interrupted run removes nothing
	goldenFlag := f.golden
	if goldenFlag == "golden" {
		goldenFlag = ""
	}
	// Every output is attempted: one that cannot be written (a full disk)
	// costs only itself, and each failure is named.
	failed := false
	for _, err := range []error{
		writeReport(e, f.format, f.out, f.verbose, f.explain, goldenFlag, results, meta),
		writeExtraReports(e, targets, goldenFlag, results, meta),
		writeRaw(f.raw, results, meta), // raw.go
	} {
		if err != nil {
			errorf(e.stderr, "%v", err)
			failed = true
		}
	}
	annotate(e, results)
	if interrupted {
		noteInterrupted(e, sig, results) // signal.go
	}
	if failed {
		return exitUsage
	}
	return exitCode(results)
}

// loadSpecs loads and validates every spec before anything is probed
// (STYLE lesson 5), printing all diagnostics. ok is false on any error.
func loadSpecs(e env, paths []string) ([]*specs.Site, bool) {
	l := specs.NewLoader(e.getenv)
	sites, diags := l.LoadPaths(paths...)
	if len(diags) > 0 {
		specs.WriteDiagnostics(e.stderr, l.Files(), diags, 100, isTerminal(e.stderr, e.getenv))
	}
	if diags.HasErrors() {
		errorf(e.stderr, "specs have errors: nothing was probed")
		return nil, false
	}
	if len(sites) == 0 {
		errorf(e.stderr, "no site blocks found in %v", paths)
		return nil, false
	}
	return sites, true
}

// selectSites keeps the sites whose names match any glob (all when none).
func selectSites(sites []*specs.Site, globs []string) ([]*specs.Site, error) {
	if len(globs) == 0 {
		return sites, nil
	}
	for _, g := range globs {
		if _, err := path.Match(g, ""); err != nil {
			return nil, fmt.Errorf("bad --site pattern %q: %v", g, err)
		}
	}
	var out []*specs.Site
	for _, s := range sites {
		for _, g := range globs {
			if ok, _ := path.Match(g, s.Name); ok {
				out = append(out, s)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no site matches --site %v", globs)
	}
	return out, nil
}

// writeReport writes results in format to out ("" = stdout). A file is
// written atomically so a CI artifact is never half a report.
func writeReport(e env, format, out string, verbose, explain bool, goldenFlag string, results []*runner.Result, meta report.Run) error {
	var buf bytes.Buffer
	var w io.Writer = e.stdout
	if out != "" {
		w = &buf
	}
	var err error
	switch format {
	case "json", "junit", "markdown", "html":
		err = writeFormat(w, format, results, meta) // reports.go
	default:
		h := report.Human{Color: out == "" && isTerminal(e.stdout, e.getenv), GoldenFlag: goldenFlag, Verbose: verbose, Explain: explain}
		err = h.Write(w, results)
	}
	if err != nil || out == "" {
		return err
	}
	return golden.WriteFileAtomic(out, buf.Bytes())
}

func exitCode(results []*runner.Result) int {
	for _, r := range results {
		if r.Status != runner.StatusPass {
			return exitFail
		}
	}
	return exitOK
}

// isTerminal reports whether w is a terminal and colour is not disabled
// (https://no-color.org).
func isTerminal(w io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return isTTY(w)
}

// isTTY asks the device itself: /dev/null is a character device too, but
// not a terminal (CI jobs often run with it as stdin or stdout).
func isTTY(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
