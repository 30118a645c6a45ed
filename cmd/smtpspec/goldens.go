package main

import (
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
)

// orphans lists the goldens of sites no loaded spec declares and, with
// prune, removes them. It reports on stderr; the run's result is not
// affected. The list is against every site loaded (not only those
// --site selected), so prune with all the specs.
func orphans(e env, store golden.Store, sites []*specs.Site, prune bool) bool {
	names := make([]string, 0, len(sites))
	for _, s := range sites {
		names = append(names, s.Name)
		if s.Control != nil {
			names = append(names, s.Control.Name) // <site>.control.golden (specs/control.go)
		}
	}
	gone, err := store.Orphans(names)
	if err != nil {
		errorf(e.stderr, "%v", err)
		return false
	}
	ok := true
	for _, n := range gone {
		if !prune {
			errorf(e.stderr, "golden %s has no site in the specs (remove with --prune)", store.Path(n))
			continue
		}
		if err := store.Remove(n); err != nil {
			errorf(e.stderr, "%v", err)
			ok = false
			continue
		}
		errorf(e.stderr, "pruned golden %s (no site %q in the specs)", store.Path(n), n)
	}
	return ok
}
