package report

import (
	"fmt"
	"io"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
)

// findings prints the verdict's findings (token self-check, basic-auth
// retirement, client certificate, endpoint), one per line with its fix,
// for every site: a site can pass today and carry a finding for tomorrow.
func (h Human) findings(w io.Writer, r *runner.Result, indent string) {
	for _, f := range r.Verdict.Findings {
		label := fmt.Sprintf("%-9s", string(f.Severity)+":")
		switch f.Severity {
		case diagnosis.SevError:
			label = h.paint(red+bold, label)
		case diagnosis.SevWarning:
			label = h.paint(yellow+bold, label)
		default:
			label = h.paint(dim, label)
		}
		fmt.Fprintf(w, "%s%s %s\n", indent, label, f.Text)
		if f.Fix == "" {
			continue
		}
		// A fleet often shares a finding (every password site carries the
		// basic-auth retirement): the long fix is printed once per report.
		key := f.ID + "\x00" + f.Fix
		if first, ok := h.fixShownFor[key]; ok && h.fixShownFor != nil {
			fmt.Fprintf(w, "%s%s same as for %s above\n", indent, h.paint(dim, "  fix:    "), first)
			continue
		}
		if h.fixShownFor != nil {
			h.fixShownFor[key] = r.Site.Name
		}
		fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(dim, "  fix:    "), f.Fix)
	}
}

// notices are the site's run warnings (insecure_skip_verify, a pending
// golden that could not be written, an AUTH state not recorded) and its
// verdict's findings (basic-auth retirement, token checks, reputation,
// client certificate), in one list for the CI-facing reports: each of
// them shows every one, for every site, passing or not.
func notices(r *runner.Result) []diagnosis.Finding {
	out := make([]diagnosis.Finding, 0, len(r.Warnings)+len(r.Verdict.Findings))
	for _, w := range r.Warnings {
		out = append(out, diagnosis.Finding{ID: "warning", Severity: diagnosis.SevWarning, Text: w})
	}
	return append(out, r.Verdict.Findings...)
}

// alarming are the notices a reader must act on: warnings and errors,
// not the facts recorded as info.
func alarming(r *runner.Result) []diagnosis.Finding {
	var out []diagnosis.Finding
	for _, n := range notices(r) {
		if n.Severity != diagnosis.SevInfo {
			out = append(out, n)
		}
	}
	return out
}
