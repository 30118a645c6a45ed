package main

import "github.com/smtpspec/smtpspec/report"

// newProgress starts the progress display of a run on stderr: live on a
// terminal, one plain line per finished site in CI or when stderr is
// piped (the report on stdout is not mixed with it).
func newProgress(e env, total int) *report.Progress {
	live := isTerminal(e.stderr, e.getenv) && !inCI(e.getenv)
	return report.NewProgress(e.stderr, total, live)
}
