package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/internal/atomicfile"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/runner"
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
	fs.StringVar(&f.format, "format", "human", "report format: "+orList(reportFormats))
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
		errorf(e.stderr, "unknown --format %q (%s)", f.format, orList(reportFormats))
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
	globs, err := parseSiteGlobs(f.sites)
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	all, ok := loadSpecs(e, paths, globs.Match) // sites.go
	if !ok {
		return exitUsage
	}
	sites, err := selectSites(all, globs)
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	if err := prepareReportFiles(f.out, targets); err != nil { // reports.go
		errorf(e.stderr, "%v: nothing was probed", err)
		return exitUsage
	}
	if err := prepareRaw(f.raw); err != nil { // raw.go: before any probe
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	prog := newProgress(e, len(sites))
	results := runner.Run(ctx, sites, runner.Options{
		Parallel:  f.parallel,
		Golden:    golden.Store{Dir: f.golden},
		Update:    f.update,
		AuthGuard: newAuthGuard(e, sites, f.force),
		Pending:   true,
		OnStage:   prog.Stage,
		OnResult:  prog.Done,
	})
	prog.Finish()
	sig, interrupted := interruptedBy(ctx) // signal.go
	if interrupted {
		meta.Interrupted = sig.Error()
	}
	// An interrupted run removes nothing.
	orphans(e, golden.Store{Dir: f.golden}, all, paths, f.prune && !interrupted) // goldens.go
	written := writeReports(e, f, targets, results, meta)                        // reports.go
	if err := writeRaw(f.raw, results, meta); err != nil {                       // raw.go
		errorf(e.stderr, "%v", err)
		written = false
	}
	annotate(e, results)
	if interrupted {
		noteInterrupted(e, sig, results) // signal.go
	}
	if !written {
		return exitUsage
	}
	return exitCode(results)
}

// writeReport writes results in format to out ("" = stdout). A file is
// written atomically so a CI artifact is never half a report; when it
// cannot be (a full disk), the report goes to stdout instead, so the
// run's findings are not lost, and the error says so.
func writeReport(e env, format, out string, verbose, explain bool, results []*runner.Result, meta report.Run) error {
	return writeOut(e, "report", out, func(w io.Writer) error {
		return renderReport(e, w, format, out == "", verbose, explain, results, meta)
	})
}

// writeOut renders what to out ("" = stdout). A file is written
// atomically, so a CI artifact or a dashboard never reads half of it;
// when it cannot be (a full disk, a folder that is not one), it goes to
// stdout instead, so nothing is lost, and the error says so.
func writeOut(e env, what, out string, render func(io.Writer) error) error {
	if out == "" {
		return render(e.stdout)
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	err := atomicfile.Write(out, buf.Bytes())
	if err == nil {
		return nil
	}
	if _, werr := e.stdout.Write(buf.Bytes()); werr != nil {
		return fmt.Errorf("%s %s not written (any previous one is unchanged): %v; nor to stdout: %v", what, out, err, werr)
	}
	return fmt.Errorf("%s %s not written (any previous one is unchanged): %v; it is on stdout instead", what, out, err)
}

// renderReport renders results in format (report.Formats); tty says w
// is stdout (colour only on a terminal).
func renderReport(e env, w io.Writer, format string, tty, verbose, explain bool, results []*runner.Result, meta report.Run) error {
	rw, err := report.FormatNamed(format, report.Options{Run: meta, Color: tty && isTerminal(e.stdout, e.getenv), Verbose: verbose, Explain: explain})
	if err != nil {
		return err
	}
	return rw.Write(w, results)
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
