package main

import (
	"fmt"
	"path"

	"github.com/smtpspec/smtpspec/specs"
)

// siteGlobs are the --site patterns of a command: a site is selected when
// any matches its name, every site when there are none. run, validate,
// trace and review select with the same rule.
type siteGlobs []string

// parseSiteGlobs checks each pattern's syntax (path.Match's).
func parseSiteGlobs(globs []string) (siteGlobs, error) {
	for _, g := range globs {
		if _, err := path.Match(g, ""); err != nil {
			return nil, fmt.Errorf("bad --site pattern %q: %v", g, err)
		}
	}
	return siteGlobs(globs), nil
}

// Match reports whether the site named name is selected.
func (g siteGlobs) Match(name string) bool {
	if len(g) == 0 {
		return true
	}
	for _, p := range g {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// exactly selects the one site named name (trace --site takes a name).
func exactly(name string) func(string) bool {
	return func(s string) bool { return s == name }
}

// loadSpecs loads and validates every spec before anything is probed
// (STYLE lesson 5), printing all diagnostics; ok is false on any error.
// Only the sites match selects are resolved (their secrets read, their
// variables and files required); the others are loaded by reference, so
// that a job holding one site's secrets can load the whole repository.
func loadSpecs(e env, paths []string, match func(string) bool) ([]*specs.Site, bool) {
	l := specs.NewLoader(e.getenv)
	l.Select(match)
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

// selectSites keeps the sites globs selects; none is an error.
func selectSites(sites []*specs.Site, globs siteGlobs) ([]*specs.Site, error) {
	var out []*specs.Site
	for _, s := range sites {
		if globs.Match(s.Name) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no site matches --site %v", []string(globs))
	}
	return out, nil
}
