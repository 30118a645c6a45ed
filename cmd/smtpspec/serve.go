package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/exporter"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
)

// defaultServeListen is the exporter's default address: loopback, so a
// fresh install exposes nothing; 9725 is free in Prometheus' list of
// default exporter ports.
const defaultServeListen = "127.0.0.1:9725"

// cmdServe is `smtpspec serve`: a Prometheus multi-target exporter for the
// sites of the specs (package exporter). It probes nothing by itself.
func cmdServe(ctx context.Context, e env, args []string) int {
	fs := newFlags("serve", "[flags] [PATH...]   (default PATH: specs/)", e)
	listen := fs.String("listen", defaultServeListen, "`ADDR` to serve HTTP on (/probe?target=SITE, /metrics, /)")
	goldenDir := fs.String("golden", "golden", "folder of golden transcripts (`DIR`), read only")
	var sites multiFlag
	fs.Var(&sites, "site", "serve only sites whose name matches `GLOB` (repeatable)")
	maxProbes := fs.Int("max-probes", exporter.DefaultMaxProbes, "probes in flight at once (`N`); a request waits at most half its scrape timeout for a slot, then gets 503")
	grace := fs.Duration("shutdown-grace", exporter.DefaultShutdownGrace, "on SIGINT/SIGTERM, let in-flight probes finish for `D`, then cancel them")
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	if *maxProbes < 1 || *grace < 0 {
		errorf(e.stderr, "--max-probes must be at least 1 and --shutdown-grace not negative")
		return exitUsage
	}
	if len(paths) == 0 {
		paths = []string{"specs"}
	}
	logf := func(format string, args ...any) { fmt.Fprintf(e.stderr, "smtpspec serve: "+format+"\n", args...) }
	load := specLoader(e, paths, sites)
	first, err := load()
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	ex, err := exporter.New(exporter.Config{
		Load:      onceThen(first, load),
		Golden:    golden.Store{Dir: *goldenDir},
		AuthGuard: newAuthGuard(e, first, false),
		MaxProbes: *maxProbes,
		Version:   readBuildInfo().Version,
		Logf:      logf,
	})
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		errorf(e.stderr, "serve: %v", err)
		return exitUsage
	}
	logf("listening on http://%s (golden folder %s, read only)", ln.Addr(), *goldenDir)
	stop := reloadOnSignal(ex, logf)
	defer stop()
	if err := ex.Serve(ctx, ln, *grace); err != nil {
		errorf(e.stderr, "serve: %v", err)
		return exitFail
	}
	logf("stopped")
	return exitOK
}

// specLoader loads and validates the specs for the exporter: the
// diagnostics, as `validate` prints them, are the error.
func specLoader(e env, paths []string, globs []string) func() ([]*specs.Site, error) {
	return func() ([]*specs.Site, error) {
		sel, err := parseSiteGlobs(globs)
		if err != nil {
			return nil, err
		}
		// Only the served sites' secrets are read (sites.go): an exporter
		// at one customer site holds that site's secrets only.
		l := specs.NewLoader(e.getenv)
		l.Select(sel.Match)
		sites, diags := l.LoadPaths(paths...)
		var buf bytes.Buffer
		if len(diags) > 0 {
			specs.WriteDiagnostics(&buf, l.Files(), diags, 100, false)
		}
		if diags.HasErrors() {
			first := diags.Errs()[0].Error() // "file:line,col: summary; detail"
			first, _, _ = strings.Cut(first, ";")
			return nil, errors.New("specs have errors: " + first + "\n" + buf.String())
		}
		if buf.Len() > 0 {
			e.stderr.Write(buf.Bytes()) // warnings: shown, not fatal
		}
		if len(sites) == 0 {
			return nil, fmt.Errorf("no site blocks found in %v", paths)
		}
		return selectSites(sites, sel)
	}
}

// onceThen returns first on the first call and load's result after: the
// specs were loaded once already to check them before listening.
func onceThen(first []*specs.Site, load func() ([]*specs.Site, error)) func() ([]*specs.Site, error) {
	used := false
	return func() ([]*specs.Site, error) {
		if !used {
			used = true
			return first, nil
		}
		return load()
	}
}

// reloadOnSignal reloads the specs on SIGHUP (reloadSignals: none on
// Windows, where POST /-/reload does it).
func reloadOnSignal(ex *exporter.Exporter, logf func(string, ...any)) (stop func()) {
	if len(reloadSignals) == 0 {
		return func() {}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, reloadSignals...)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				if err := ex.Reload(); err == nil {
					logf("reloaded on signal at %s", time.Now().Format(time.RFC3339))
				}
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}
