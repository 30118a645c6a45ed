package main

import (
	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/specs"
)

// newAuthGuard keeps the AUTH failure interval in the user's cache folder
// (authguard.DefaultPath). Without a cache folder the interval
// cannot be kept; the run goes on and says so, since refusing to probe
// would stop a CI job that has no home folder at all.
func newAuthGuard(e env, sites []*specs.Site, force bool) *authguard.Guard {
	path, err := authguard.DefaultPath(e.getenv)
	if err != nil {
		for _, s := range sites {
			if s.Auth != nil {
				errorf(e.stderr, "warning: %v; the minimum interval after an AUTH failure is not kept for this run", err)
				break
			}
		}
		return nil
	}
	return &authguard.Guard{Path: path, Force: force}
}
