package runner

import (
	"context"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/specs"
)

// withControl probes the site's control path (checklist step 8), stores
// it in r.Control with its own golden (<site>.control.golden), and weighs
// it into the site's verdict. The control's stage failures do not fail
// the site (it is evidence about the path, not the device's test), but
// its golden does: a control that drifts, is new or errs shows in the
// site's status.
func withControl(ctx context.Context, r *Result, s *specs.Site, opts Options) {
	if s.Control == nil || r.Status == StatusInterrupted {
		return
	}
	c := RunSite(ctx, s.Control, opts)
	r.Control = c
	for _, w := range c.Warnings { // the reports show the site's warnings
		r.Warnings = append(r.Warnings, "control: "+w)
	}
	if c.Status == StatusInterrupted {
		return // the site's own result stands; the control proves nothing
	}
	r.Verdict = diagnosis.WithControl(r.Verdict, s.Input(), c.Verdict, c.Transcript)
	if r.Status == StatusPass {
		switch c.Status {
		case StatusDrift, StatusNew, StatusError:
			r.Status = c.Status
		}
	}
}
