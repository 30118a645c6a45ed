package forecast

import (
	"context"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
)

// forecastSite runs one site today and under each change, and advises
// on every change it breaks at.
func (f *Forecaster) forecastSite(ctx context.Context, r *siteRun, changes []*Change) *SiteForecast {
	p := r.p
	sf := &SiteForecast{Name: r.orig.Name, Method: r.orig.Method, Customer: customerOf(r.orig, f.opts.Roots),
		Tags: r.orig.Labels.Tags, File: r.orig.DeclRange.Filename, Endpoint: endpointName(r.orig), Notes: f.notes(r)}
	if ctx.Err() != nil {
		return interruptedSite(sf, changes)
	}
	today := f.run(ctx, p.site, f.setupFor(p))
	if today.Status == runner.StatusInterrupted {
		return interruptedSite(sf, changes)
	}
	sf.Today = Today{Status: judged(today.Status), Verdict: today.Verdict}
	for _, c := range changes {
		cell := f.cell(ctx, r, c, sf.Today)
		if cell == nil || ctx.Err() != nil {
			return interruptedSite(sf, changes)
		}
		sf.Cells = append(sf.Cells, cell)
	}
	if !sf.Today.Works() {
		if st := f.todayFix(ctx, r); st != nil {
			sf.TodayFix = st.fix
		}
	}
	return sf
}

// cell is the site under change c; nil when the forecast was interrupted.
func (f *Forecaster) cell(ctx context.Context, sr *siteRun, c *Change, today Today) *Cell {
	p := sr.p
	cell := &Cell{Change: c}
	rc, outside := microsoftOnly(p)
	if !outside {
		rc = c.reach(p)
	}
	switch {
	case outside:
		cell.Outcome, cell.Needs = Unknown, rc.text
		return cell
	case rc.kind == reachNo:
		v := today.Verdict
		cell.Verdict, cell.Why = &v, rc.text
		cell.Outcome, cell.Already = Survives, !today.Works()
		if cell.Already {
			cell.Outcome = Breaks
			cell.Fix = f.advise(ctx, sr, c, true)
		}
		return cell
	}
	res := f.run(ctx, p.site, f.setupFor(p, c))
	switch {
	case res.Status == runner.StatusInterrupted:
		return nil
	case res.Verdict.Category == "":
		cell.Outcome, cell.Needs = Unknown, res.Verdict.Summary() // the forecast could not run it
		return cell
	}
	v := res.Verdict
	cell.Verdict = &v
	switch {
	case v.Category == catalog.OK:
		cell.Outcome = Survives
		return cell
	case !today.Works():
		cell.Outcome, cell.Already = Breaks, true
	case rc.kind == reachUnknown:
		cell.Outcome, cell.Needs = Unknown, rc.text
	default:
		cell.Outcome = Breaks
	}
	cell.Fix = f.advise(ctx, sr, c, cell.Already)
	return cell
}

// judged is a run's status without goldens, which the forecast does not
// compare: a site that met its expectations passes.
func judged(s runner.Status) runner.Status {
	if s == runner.StatusNew || s == runner.StatusDrift {
		return runner.StatusPass
	}
	return s
}

// interruptedSite marks a site the forecast did not finish.
func interruptedSite(sf *SiteForecast, changes []*Change) *SiteForecast {
	sf.Interrupted = true
	sf.Today = Today{Status: runner.StatusInterrupted,
		Verdict: diagnosis.Verdict{Finding: "the forecast was interrupted before this site was done"}}
	sf.Cells = nil
	for _, c := range changes {
		sf.Cells = append(sf.Cells, &Cell{Change: c, Outcome: Unknown, Needs: "the forecast was interrupted before this site was done"})
	}
	return sf
}
