package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/smtpspec/smtpspec/forecast"
	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/specs"
)

// cmdForecast runs every site against the simulator today and under each
// announced Microsoft 365 change (forecast/), offline, without secrets.
func cmdForecast(ctx context.Context, e env, args []string) int {
	meta := runMeta(time.Now())
	fs := newFlags("forecast", "[--change ID ...] [--assume FACT=VALUE ...] [--format human|json|markdown|html] [--out FILE] [PATH...]   (default PATH: specs/)", e)
	var changes, assume multiFlag
	fs.Var(&changes, "change", "forecast only change `ID` (repeatable; default: every announced change)")
	fs.Var(&assume, "assume", "take `FACT=VALUE` as known for every site without its own fact: tag (repeatable)")
	format := fs.String("format", "human", "output format: "+orList(forecast.FormatNames()))
	out := fs.String("out", "", "write the forecast to `FILE` (atomically) instead of stdout")
	parallel := fs.Int("parallel", 8, "forecast up to `N` sites at once")
	list := fs.Bool("list", false, "list the announced changes (id, date, whether Microsoft confirmed it, source) and exit")
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	if *list {
		listChanges(e.stdout)
		return exitOK
	}
	opts, ok := forecastOptions(e, changes, assume, *format, *parallel)
	if !ok {
		return exitUsage
	}
	if len(paths) == 0 {
		paths = []string{"specs"}
	}
	opts.Roots, opts.Getenv = paths, e.getenv
	f, err := forecast.New(opts)
	if err != nil {
		errorf(e.stderr, "forecast: %v", err)
		return exitFail
	}
	defer f.Close()
	sites, diags, files := f.Load(paths...)
	if len(diags) > 0 {
		specs.WriteDiagnostics(e.stderr, files, diags, 100, isTerminal(e.stderr, e.getenv))
	}
	switch {
	case diags.HasErrors():
		errorf(e.stderr, "specs have errors: nothing was forecast")
		return exitUsage
	case len(sites) == 0:
		errorf(e.stderr, "no site blocks found in %v", paths)
		return exitUsage
	}
	fc, err := f.Run(ctx, sites)
	if err != nil {
		errorf(e.stderr, "forecast: %v", err)
		return exitUsage
	}
	if sig, interrupted := interruptedBy(ctx); interrupted {
		meta.Interrupted = sig.Error()
	}
	if err := writeForecast(e, *format, *out, fc, meta); err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	if fc.Breaking() {
		return exitFail
	}
	return exitOK
}

// listChanges prints the change table, by date.
func listChanges(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tCONFIRMED\tTITLE")
	for _, c := range forecast.ByDate(forecast.Changes()) {
		confirmed := "yes"
		if !c.Confirmed {
			confirmed = "no"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Date, confirmed, c.Title)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nsources and what is UNCONFIRMED: smtpspec forecast --format json (its \"changes\"), or README \"Forecast\"")
}

// forecastOptions checks the flags that need no spec.
func forecastOptions(e env, changes, assume []string, format string, parallel int) (forecast.Options, bool) {
	var opts forecast.Options
	if _, err := forecast.FormatNamed(format); err != nil {
		errorf(e.stderr, "%v", err)
		return opts, false
	}
	if parallel < 1 {
		errorf(e.stderr, "--parallel must be at least 1")
		return opts, false
	}
	sel, err := forecast.Select(changes)
	if err != nil {
		errorf(e.stderr, "--change: %v", err)
		return opts, false
	}
	opts.Changes, opts.Parallel, opts.Assume = sel, parallel, forecast.Facts{}
	for _, a := range assume {
		fact, val, err := forecast.ParseFact(a)
		if err != nil {
			errorf(e.stderr, "--assume %v", err)
			return opts, false
		}
		opts.Assume[fact] = val
	}
	return opts, true
}

// writeForecast writes fc in format to out ("" = stdout). A file is
// written atomically, so a dashboard never reads half a forecast; when it
// cannot be (a full disk, a folder that is not one), the forecast goes to
// stdout instead, so it is not lost, and the error says so.
func writeForecast(e env, format, out string, fc *forecast.Forecast, meta report.Run) error {
	f, err := forecast.FormatNamed(format)
	if err != nil {
		return err
	}
	return writeOut(e, "forecast", out, func(w io.Writer) error { return f.Write(w, fc, meta) })
}
