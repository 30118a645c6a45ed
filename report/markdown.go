package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/runner"
)

// WriteMarkdown writes the troubleshooting record of every site as
// Markdown to paste into a ticket (checklist step 10: record before
// changing anything): verdict, evidence, next action, the ten checklist
// steps with what this run established, and the transcripts.
func WriteMarkdown(w io.Writer, results []*runner.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# smtpspec troubleshooting record: %d site(s), %s\n", len(results), Counts(results))
	WriteChecklists(&b, results)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("markdown report: %w", err)
	}
	return nil
}

// WriteChecklists writes, per site, the checklist table and the folded
// transcripts (the site's and its control's).
func WriteChecklists(b *strings.Builder, results []*runner.Result) {
	for _, r := range results {
		fmt.Fprintf(b, "\n## Checklist: %s (%s, %s)\n\n", r.Site.Name, r.Site.Method, r.Status)
		fmt.Fprintf(b, "- **Verdict:** %s\n", inline(r.Verdict.Line()))
		if r.Verdict.Evidence != "" {
			fmt.Fprintf(b, "- **Evidence:** %s\n", code(r.Verdict.Evidence))
		}
		// Warnings and findings of sites that did not pass are in the
		// summary's section of the site already; a passing site has only
		// this one.
		if r.Status == runner.StatusPass {
			noticeItems(b, r)
		}
		if r.Verdict.Next != "" {
			fmt.Fprintf(b, "- **Next:** %s\n", inline(r.Verdict.Next))
		}
		if r.Verdict.Source != "" {
			fmt.Fprintf(b, "- **Source:** %s\n", inline(r.Verdict.Source))
		}
		b.WriteString("\n| step | check | result | what this run established |\n|---|---|---|---|\n")
		for _, s := range Checklist(r) {
			fmt.Fprintf(b, "| %d | %s | %s | %s |\n", s.Step, s.Title, s.Status, cell(s.Finding))
		}
		transcriptBlock(b, "Transcript", r)
		if r.Control != nil {
			transcriptBlock(b, "Control transcript", r.Control)
		}
	}
}

func transcriptBlock(b *strings.Builder, title string, r *runner.Result) {
	if len(r.Golden) == 0 {
		return
	}
	fmt.Fprintf(b, "\n<details><summary>%s (%s)</summary>\n\n", title, r.Site.Name)
	fence(b, "text", string(r.Golden))
	b.WriteString("</details>\n")
}
