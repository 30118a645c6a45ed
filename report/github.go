package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/runner"
)

// WriteGitHubAnnotations writes one GitHub Actions workflow command per
// site that did not pass (`::error file=specs/x.hcl,line=N,title=...::`),
// pointing at the spec line: the failing stage's expect block, or the
// site header. GitHub shows them on the run summary and on the pull
// request's changed files. Drift and new sites are errors too (they fail
// the job); an interrupted site is a warning (it was not judged, and the
// job's own exit code says it was stopped). Every site's warnings and
// findings that need action (basic-auth retirement, insecure TLS, a
// listed IP) are warnings, passing sites' too.
func WriteGitHubAnnotations(w io.Writer, results []*runner.Result) error {
	for _, r := range results {
		file, line := SpecLine(r)
		if r.Status != runner.StatusPass {
			level := "error"
			if r.Status == runner.StatusInterrupted {
				level = "warning"
			}
			if err := annotation(w, level, file, line, fmt.Sprintf("smtpspec: site %s %s", r.Site.Name, r.Status), Problem(r)); err != nil {
				return err
			}
		}
		for _, n := range alarming(r) {
			msg := n.Text
			if n.Fix != "" {
				msg += "\nfix: " + n.Fix
			}
			if err := annotation(w, "warning", file, line, fmt.Sprintf("smtpspec: site %s %s", r.Site.Name, n.Severity), msg); err != nil {
				return err
			}
		}
	}
	return nil
}

// annotation writes one workflow command.
func annotation(w io.Writer, level, file string, line int, title, msg string) error {
	if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,title=%s::%s\n",
		level, escapeProperty(file), line, escapeProperty(title), escapeData(msg)); err != nil {
		return fmt.Errorf("github annotations: %w", err)
	}
	return nil
}

// escapeData escapes a workflow command's message as the Actions toolkit
// does (toolkit/packages/core/src/command.ts): %, CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value: also ':' and ','.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
