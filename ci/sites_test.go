package ci

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// TestSites is the `go test` entry point for Go-centred pipelines:
//
//	SMTPSPEC_SPECS=specs SMTPSPEC_GOLDEN=golden [SMTPSPEC_SITE=GLOB] go test ./ci -run Sites [-update]
//
// loads the specs, probes each site as a subtest and checks its golden
// with goldie (the same <dir>/<name>.golden files and the same comparison
// and diff as `smtpspec run`; -update or GOLDIE_UPDATE=1 rewrites them). A
// subtest fails when the site fails its expectations or drifts.
// SMTPSPEC_SITE (a glob, like run's --site; several separated by commas)
// probes only the matching sites and reads only their secrets, so a
// per-site job holds just its own.
//
// Without SMTPSPEC_SPECS it runs ownSites (sites named after simulator
// scenarios) against the built-in Microsoft 365 simulator on loopback,
// with goldens in testdata/sites: that is how this repository's own CI
// exercises it, and nothing leaves the machine.
// ownSites are three of the project's example specs, used as they are,
// and one spec of this package's own that adds a file-level defaults
// block (codes detail, a redact rule) to the relay example.
var ownSites = []string{
	filepath.Join("..", "specs", "examples", "submission-ok.hcl"),
	filepath.Join("..", "specs", "examples", "directsend-ok.hcl"),
	filepath.Join("..", "specs", "examples", "banned-ip.hcl"),
	filepath.Join("testdata", "specs", "relay-ok.hcl"),
}

func TestSites(t *testing.T) {
	ctx := context.Background()
	paths, dir := os.Getenv("SMTPSPEC_SPECS"), os.Getenv("SMTPSPEC_GOLDEN")
	var sites []*specs.Site
	var opts runner.ProbeOptions
	if paths == "" {
		sites = loadSites(t, ownSites, func(k string) string {
			if strings.HasPrefix(k, "SMTPSPEC_DEMO_") {
				return "demo-password-not-a-secret" // the simulator accepts any credentials
			}
			return ""
		})
		ca := serveScenarios(t, sites)
		opts.RootCAs = ca.Pool()
		dir = filepath.Join("testdata", "sites")
	} else {
		sites = loadSites(t, strings.Fields(strings.ReplaceAll(paths, ",", " ")), os.Getenv)
		sites = selected(t, sites)
		if dir == "" {
			dir = "golden"
		}
	}
	store := golden.Store{Dir: dir}
	g := goldie.New(t, goldie.WithFixtureDir(dir), goldie.WithNameSuffix(golden.Ext))
	for _, s := range sites {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			// Update is false: the golden is judged here, by goldie's rules.
			r := runner.RunSite(ctx, s, runner.Options{Golden: store, Probe: opts})
			checkGolden(t, g, store, r)
			if r.Status == runner.StatusFail {
				t.Errorf("site %s fails: %s\n  evidence: %s\n  next: %s", s.Name,
					r.Verdict.Summary(), r.Verdict.Evidence, r.Verdict.Next)
			}
		})
	}
}

// checkGolden is goldie's Assert with smtpspec's comparison: with -update
// goldie writes the file; otherwise a drift is reported with the same
// stage list and unified diff the CLI prints.
func checkGolden(t *testing.T, g *goldie.Goldie, store golden.Store, r *runner.Result) {
	t.Helper()
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		g.Assert(t, r.Site.Name, r.Golden)
		return
	}
	want, err := store.Read(r.Site.Name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		t.Fatalf("no golden at %s: review the transcript below, then record it with -update\n%s", store.Path(r.Site.Name), r.Golden)
	case err != nil:
		t.Fatal(err)
	}
	if d := golden.Compare(want, r.Golden); d != nil {
		t.Errorf("%s changed (- %s, + this run; accept with -update):\n%s", transcript.JoinStages(d.Stages, ", "),
			store.Path(r.Site.Name), d.Diff)
	}
}

// loadSites loads specs as `smtpspec run` does: every problem reported,
// nothing probed while any spec has an error.
func loadSites(t *testing.T, paths []string, getenv func(string) string) []*specs.Site {
	t.Helper()
	l := specs.NewLoader(getenv)
	l.Select(siteMatch(t))
	sites, diags := l.LoadPaths(paths...)
	if diags.HasErrors() {
		var b strings.Builder
		specs.WriteDiagnostics(&b, l.Files(), diags, 100, false)
		t.Fatalf("specs have errors: nothing was probed\n%s", b.String())
	}
	return sites
}

// siteMatch is SMTPSPEC_SITE's selection: every site when it is unset.
func siteMatch(t *testing.T) func(string) bool {
	t.Helper()
	var globs []string
	for _, g := range strings.Split(os.Getenv("SMTPSPEC_SITE"), ",") {
		if g = strings.TrimSpace(g); g == "" {
			continue
		}
		if _, err := path.Match(g, ""); err != nil {
			t.Fatalf("SMTPSPEC_SITE: bad pattern %q: %v", g, err)
		}
		globs = append(globs, g)
	}
	return func(name string) bool {
		if len(globs) == 0 {
			return true
		}
		for _, g := range globs {
			if ok, _ := path.Match(g, name); ok {
				return true
			}
		}
		return false
	}
}

// selected keeps the sites SMTPSPEC_SITE selects; none is an error.
func selected(t *testing.T, sites []*specs.Site) []*specs.Site {
	t.Helper()
	match := siteMatch(t)
	var out []*specs.Site
	for _, s := range sites {
		if match(s.Name) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no site matches SMTPSPEC_SITE=%q", os.Getenv("SMTPSPEC_SITE"))
	}
	return out
}

// serveScenarios serves, for each site, the simulator scenario of the same
// name on loopback and points the site at it (as `smtpspec demo` does).
func serveScenarios(t *testing.T, sites []*specs.Site) *sim.CA {
	t.Helper()
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	for _, site := range sites {
		sc, err := sim.Find(site.Name)
		if err != nil {
			t.Fatalf("site %s names no simulator scenario: %v", site.Name, err)
		}
		_, addr := simtest.StartScenario(t, sc, sim.Options{CA: ca})
		site.Endpoint.Host, site.Endpoint.MXDomain, site.Endpoint.ServerName = "127.0.0.1", "", "localhost"
		site.Endpoint.Port = addr.Port
	}
	return ca
}
