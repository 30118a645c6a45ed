package report

import (
	"path/filepath"
	"strings"

	"github.com/smtpspec/smtpspec/runner"
)

// AcceptCommand is the one instruction every report gives to accept what
// this run saw as the site's golden: `smtpspec review --site NAME
// --accept`, with --golden when the folder is not the default. It probes
// nothing, so it works after an AUTH drift, when `run --update` would
// meet the AUTH-failure interval, and it accepts this site only (its
// control's pending golden included). "" when the run left no pending
// golden (it matched, or the folder could not be written: a warning then
// says why).
func AcceptCommand(r *runner.Result) string {
	pending := pendingFiles(r)
	if len(pending) == 0 {
		return ""
	}
	cmd := "smtpspec review"
	if dir := filepath.Dir(pending[0]); filepath.Clean(dir) != "golden" {
		cmd += " --golden " + shellWord(dir)
	}
	return cmd + " --site " + r.Site.Name + " --accept"
}

// shellWord single-quotes s when a shell would split or expand it (a
// folder with a space); POSIX shells and PowerShell read it alike unless
// it holds a quote.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"$`&|;()<>*?[]{}!#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "'\"'\"'") + "'"
}

// pendingFiles are the pending goldens this run wrote for the site and
// its control.
func pendingFiles(r *runner.Result) []string {
	var out []string
	if r.Pending != "" {
		out = append(out, r.Pending)
	}
	if r.Control != nil && r.Control.Pending != "" {
		out = append(out, r.Control.Pending)
	}
	return out
}
