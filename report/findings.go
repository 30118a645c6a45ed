package report

import (
	"fmt"
	"io"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/runner"
)

// findings prints the verdict's findings (token self-check, basic-auth
// retirement, client certificate, endpoint), one per line with its fix,
// for every site: a site can pass today and carry a finding for tomorrow.
func (h Human) findings(w io.Writer, r *runner.Result, indent string) {
	for _, f := range r.Verdict.Findings {
		label := fmt.Sprintf("%-9s", string(f.Severity)+":")
		switch f.Severity {
		case checks.SevError:
			label = h.paint(red+bold, label)
		case checks.SevWarning:
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
