package main

import (
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// newThrottle keeps the AUTH failure interval in the user's cache folder
// (runner.DefaultThrottlePath). Without a cache folder the interval
// cannot be kept; the run goes on and says so, since refusing to probe
// would stop a CI job that has no home folder at all.
func newThrottle(e env, sites []*specs.Site, force bool) *runner.Throttle {
	path, err := runner.DefaultThrottlePath(e.getenv)
	if err != nil {
		for _, s := range sites {
			if s.Auth != nil {
				errorf(e.stderr, "warning: %v; the minimum interval after an AUTH failure is not kept for this run", err)
				break
			}
		}
		return nil
	}
	return &runner.Throttle{Path: path, Force: force}
}
