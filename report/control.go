package report

import (
	"fmt"
	"io"

	"github.com/smtpspec/smtpspec/runner"
)

// jsonControl is the control probe of r for the JSON report, nil without
// one.
func jsonControl(r *runner.Result) *JSONSite {
	if r.Control == nil {
		return nil
	}
	c := NewJSON([]*runner.Result{r.Control}).Sites[0]
	c.Accept = "" // the site's own accept takes the control's pending golden too
	return &c
}

// control prints the control probe's line and stages under its site.
func (h Human) control(w io.Writer, r *runner.Result, indent string) {
	c := r.Control
	if c == nil {
		return
	}
	fmt.Fprintf(w, "%s%s %s %s\n", indent, h.paint(dim, "control: "), h.statusLabel(c.Status), c.Verdict.Line())
	fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(dim, "         "), h.stages(c))
	if c.Verdict.Evidence != "" {
		fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(dim, "         "), c.Verdict.Evidence)
	}
}
