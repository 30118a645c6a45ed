package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// MarkdownSummary writes a GitHub-flavoured Markdown report for
// $GITHUB_STEP_SUMMARY and merge-request comments: a table of every site,
// then a section per site that did not pass with the verdict, evidence,
// next action, stages and the golden diff (folded).
type MarkdownSummary struct {
	Run Run // the run's start, host and build, and whether it was interrupted
}

// Write writes the report.
func (m MarkdownSummary) Write(w io.Writer, results []*runner.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## smtpspec: %d site(s), %s\n\n", len(results), Counts(results))
	about := m.Run.about()
	fmt.Fprintf(&b, "%s.\n\n", strings.ToUpper(about[:1])+about[1:])
	if n := interruptedSites(results); n > 0 {
		by := ""
		if m.Run.Interrupted != "" {
			by = " by " + m.Run.Interrupted
		}
		fmt.Fprintf(&b, "> [!WARNING]\n> The run was interrupted%s: %d site(s) were not judged (status interrupted) and no golden was written for them. Run them again.\n\n", by, n)
	}
	b.WriteString("| | site | method | status | verdict | warnings |\n|---|---|---|---|---|---|\n")
	for _, r := range results {
		warn := ""
		if n := len(alarming(r)); n > 0 {
			warn = fmt.Sprintf("⚠️ %d", n)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", statusDocs[r.Status].icon, cell(r.Site.Name),
			r.Site.Method, r.Status, cell(r.Verdict.Line()), warn)
	}
	for _, r := range results {
		if r.Status != runner.StatusPass {
			m.site(&b, r)
		}
	}
	WriteBasicAuthSection(&b, results) // basicauth.go
	WriteChecklists(&b, results)       // checklist.go, markdown.go: the ten steps per site
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("markdown report: %w", err)
	}
	return nil
}

func (m MarkdownSummary) site(b *strings.Builder, r *runner.Result) {
	file, line := SpecLine(r)
	fmt.Fprintf(b, "\n### %s %s: %s\n\n", statusDocs[r.Status].icon, r.Site.Name, r.Status)
	fmt.Fprintf(b, "- **Verdict:** %s\n", inline(r.Verdict.Line()))
	if r.Verdict.Evidence != "" {
		fmt.Fprintf(b, "- **Evidence:** %s\n", code(r.Verdict.Evidence))
	}
	if r.Verdict.Next != "" && (r.Status == runner.StatusFail || r.Status == runner.StatusInterrupted) {
		fmt.Fprintf(b, "- **Next:** %s\n", inline(r.Verdict.Next))
	}
	fmt.Fprintf(b, "- **Spec:** %s\n", code(fmt.Sprintf("%s:%d", file, line)))
	if ip := runner.EgressIP(r.Transcript); ip != "" {
		fmt.Fprintf(b, "- **Egress IP** (as the server saw it): %s\n", code(ip))
	}
	var stages []string
	for _, row := range stageRows(r) {
		mark := map[string]string{"pass": "✓", "expected": "✓ (as expected)", "fail": "**✗**", "skip": "–"}[row.Status]
		if r.Status == runner.StatusInterrupted && row.Name == r.Transcript.Interrupted {
			mark = "**⏹️ interrupted**"
		}
		stages = append(stages, string(row.Name)+" "+mark)
	}
	fmt.Fprintf(b, "- **Stages:** %s\n", strings.Join(stages, ", "))
	noticeItems(b, r)
	switch {
	case r.Status == runner.StatusError:
		fmt.Fprintf(b, "- **Error:** %s\n", code(fmt.Sprint(r.Err)))
	case r.Status == runner.StatusNew:
		fmt.Fprintf(b, "- **Golden:** none at %s yet; review the transcript below before accepting it\n", code(r.GoldenPath))
	}
	for _, p := range pendingFiles(r) {
		fmt.Fprintf(b, "- **Pending golden:** %s\n", code(p))
	}
	if cmd := AcceptCommand(r); cmd != "" {
		fmt.Fprintf(b, "- **Accept:** %s\n", code(cmd))
	}
	if r.Drift != nil {
		fmt.Fprintf(b, "\n<details><summary>Golden drift: %s changed</summary>\n\n", transcript.JoinStages(r.Drift.Stages, ", "))
		// Each changed line's difference in words first: a fenced diff
		// scrolls sideways, and the change may be far to the right.
		for _, c := range changeLines(r.Drift) {
			before, after, _ := strings.Cut(c, ": ")
			fmt.Fprintf(b, "- %s: %s\n", before, code(after))
		}
		if len(r.Drift.Changes()) > 0 {
			b.WriteString("\n")
		}
		fence(b, "diff", r.Drift.Diff)
		b.WriteString("\n</details>\n")
	}
	fmt.Fprintf(b, "\n<details><summary>Transcript</summary>\n\n")
	fence(b, "text", string(r.Golden))
	b.WriteString("\n</details>\n")
}

// noticeItems lists r's warnings and findings, each with its fix.
func noticeItems(b *strings.Builder, r *runner.Result) {
	for _, n := range notices(r) {
		label := strings.ToUpper(string(n.Severity[:1])) + string(n.Severity[1:])
		fmt.Fprintf(b, "- **%s:** %s\n", label, inline(n.Text))
		if n.Fix != "" {
			fmt.Fprintf(b, "  - fix: %s\n", inline(n.Fix))
		}
	}
}

// fence writes s as a fenced code block, with a fence longer than any
// run of backticks inside.
func fence(b *strings.Builder, lang, s string) {
	f := "```"
	for strings.Contains(s, f) {
		f += "`"
	}
	fmt.Fprintf(b, "%s%s\n%s", f, lang, s)
	if !strings.HasSuffix(s, "\n") {
		b.WriteString("\n")
	}
	b.WriteString(f + "\n")
}

// code renders s as inline code, safe whatever backticks s holds.
func code(s string) string {
	s = oneLine(s)
	f := "`"
	for strings.Contains(s, f) {
		f += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return f + s + f
}

// inline escapes text that is not code: table pipes, HTML and line breaks.
func inline(s string) string {
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "*", "\\*", "_", "\\_").Replace(oneLine(s))
}

// cell is inline text for a table cell.
func cell(s string) string { return inline(s) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
