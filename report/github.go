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
// the job); nothing is written for a pass.
func WriteGitHubAnnotations(w io.Writer, results []*runner.Result) error {
	for _, r := range results {
		if r.Status == runner.StatusPass {
			continue
		}
		file, line := SpecLine(r)
		title := fmt.Sprintf("smtpspec: site %s %s", r.Site.Name, r.Status)
		if _, err := fmt.Fprintf(w, "::error file=%s,line=%d,title=%s::%s\n",
			escapeProperty(file), line, escapeProperty(title), escapeData(Problem(r))); err != nil {
			return fmt.Errorf("github annotations: %w", err)
		}
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
