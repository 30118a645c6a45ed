package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
)

// orphans lists the goldens that no spec declares and, with prune,
// removes them (with their pending files). It reports on stderr; the
// run's result is not affected.
//
// A golden belongs to a site if a loaded spec declares it, whether or
// not --site selected it, or if a spec beside a loaded file does: `run
// specs/hq.hcl` reads the site names of the other specs under specs/
// (parsing only, no secret) so that their goldens are not orphans. If
// one of those does not parse, nothing is listed or pruned: a golden
// must not be removed on a guess.
func orphans(e env, store golden.Store, sites []*specs.Site, paths []string, prune bool) bool {
	known, folders, err := knownGoldens(sites, paths)
	if err != nil {
		errorf(e.stderr, "cannot tell which goldens in %s have no site, so none are listed or pruned: %v", store.Dir, err)
		return false
	}
	gone, err := store.Orphans(known)
	if err != nil {
		errorf(e.stderr, "%v", err)
		return false
	}
	where := strings.Join(folders, ", ")
	ok := true
	for _, n := range gone {
		if !prune {
			errorf(e.stderr, "golden %s has no site in %s (remove with --prune)", orphanFiles(store, n), where)
			continue
		}
		files := orphanFiles(store, n)
		if err := store.Remove(n); err != nil {
			errorf(e.stderr, "%v", err)
			ok = false
			continue
		}
		errorf(e.stderr, "pruned golden %s (no site %q in %s)", files, n, where)
	}
	return ok
}

// knownGoldens is every golden name the loaded sites declare, and those
// of the other specs in the folders of the spec files given by name;
// folders are the spec folders that judgement covers, for messages.
func knownGoldens(sites []*specs.Site, paths []string) (known, folders []string, err error) {
	for _, s := range sites {
		known = append(known, s.Name)
		if s.Control != nil {
			known = append(known, s.Control.Name) // <site>.control.golden (specs/control.go)
		}
	}
	var siblings []string
	for _, p := range paths {
		folder := p
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			folder = filepath.Dir(p)
			siblings = append(siblings, folder)
		}
		if !slices.Contains(folders, folder) {
			folders = append(folders, folder)
		}
	}
	more, err := specs.GoldenNames(siblings...)
	return append(known, more...), folders, err
}

// orphanFiles names what an orphan has: its golden, its pending golden, or both.
func orphanFiles(store golden.Store, name string) string {
	switch g, p := exists(store.Path(name)), exists(store.PendingPath(name)); {
	case g && p:
		return store.Path(name) + " (and " + filepath.Base(store.PendingPath(name)) + ")"
	case p:
		return store.PendingPath(name)
	}
	return store.Path(name)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
