package exporter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// outcome is one probe of a site as a scrape answers it.
type outcome struct {
	result   *runner.Result
	duration time.Duration      // RunSite's wall time: probe_duration_seconds
	guard    *authguard.Refused // non-nil: answered from the AUTH-failure record
	at       time.Time          // when the probe started
}

// Why a probe request got no metrics (503): the scraper records up = 0
// for that scrape rather than a site failure that did not happen.
var (
	errBusy     = errors.New("too many probes in flight: no slot freed within half the scrape timeout")
	errShared   = errors.New("the probe of this site another scrape started is still running at this scrape's deadline")
	errStopping = errors.New("the exporter is shutting down")
)

// serveProbe is GET /probe?target=SITE[&debug=true].
func (e *Exporter) serveProbe(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	site, deadline, ok := e.parseProbe(w, r, start)
	if !ok {
		return
	}
	out, err := e.probe(site, deadline)
	if err != nil {
		e.unavailable(w, err)
		return
	}
	reg := probeRegistry(out)
	if r.URL.Query().Get("debug") == "true" {
		writeDebug(w, out, reg)
	} else {
		// Uncompressed: a probe's answer is ~4 KB, and gzip's per-request
		// set-up costs more CPU than the bytes it saves on a LAN.
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, DisableCompression: true}).ServeHTTP(w, r)
	}
	// What the scrape cost beyond the probe itself: lookup, queue,
	// building and encoding the metrics.
	e.self.overhead.Observe((time.Since(start) - out.duration).Seconds())
}

// parseProbe finds the site and the deadline of a probe request, or
// answers 400 (unknown target, bad scrape-timeout header).
func (e *Exporter) parseProbe(w http.ResponseWriter, r *http.Request, start time.Time) (*specs.Site, time.Time, bool) {
	name := r.URL.Query().Get("target")
	set := e.current()
	site := set.byName[name]
	if site == nil {
		e.self.rejected.WithLabelValues("unknown_target").Inc()
		http.Error(w, unknownTarget(name, set), http.StatusBadRequest)
		return nil, time.Time{}, false
	}
	b, err := budget(r.Header)
	if err != nil {
		e.self.rejected.WithLabelValues("bad_request").Inc()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, time.Time{}, false
	}
	return site, start.Add(b), true
}

// unavailable answers 503 for a probe that got no result: busy, or the
// exporter is shutting down.
func (e *Exporter) unavailable(w http.ResponseWriter, err error) {
	reason := "busy"
	if errors.Is(err, errStopping) {
		reason = "shutting_down"
	}
	e.self.rejected.WithLabelValues(reason).Inc()
	w.Header().Set("Retry-After", "5")
	http.Error(w, err.Error(), http.StatusServiceUnavailable)
}

// unknownTarget is the 400 answer: what was asked and what is served.
func unknownTarget(name string, set *siteSet) string {
	if name == "" {
		return "missing ?target=SITE; sites: " + strings.Join(set.names(), ", ")
	}
	return fmt.Sprintf("unknown target %q; sites: %s", name, strings.Join(set.names(), ", "))
}

// probe runs site's probe by deadline, or joins the one already running
// for it (flights.go).
func (e *Exporter) probe(site *specs.Site, deadline time.Time) (*outcome, error) {
	fl, leader := e.flights.join(site.Name)
	if !leader {
		e.self.shared.Inc()
		t := time.NewTimer(time.Until(deadline))
		defer t.Stop()
		select {
		case <-fl.done:
			return fl.out, fl.err
		case <-t.C:
			return nil, errShared
		case <-e.base.Done():
			return nil, errStopping
		}
	}
	out, err := e.run(site, deadline)
	e.flights.land(site.Name, fl, out, err)
	return out, err
}

// run waits for a slot (at most half the budget: the probe keeps the
// other half at least), then probes with runner.RunSite.
func (e *Exporter) run(site *specs.Site, deadline time.Time) (*outcome, error) {
	ctx, cancel := context.WithDeadline(e.base, deadline)
	defer cancel()
	if err := e.acquire(ctx, time.Until(deadline)/2); err != nil {
		return nil, err
	}
	defer e.release()
	out := &outcome{at: e.cfg.Now()}
	t0 := time.Now()
	out.result = runner.RunSite(ctx, withinBudget(site, deadline), runner.Options{
		Golden:    e.cfg.Golden,
		ReadOnly:  true, // serve never writes goldens, nor pending ones
		AuthGuard: e.cfg.AuthGuard,
		Probe:     e.cfg.Probe,
		Now:       e.cfg.Now,
	})
	out.duration = time.Since(t0)
	if e.base.Err() != nil {
		return nil, errStopping // cut short by shutdown: no verdict to report
	}
	errors.As(out.result.Err, &out.guard)
	e.record(site, out)
	return out, nil
}

// budgetMargin keeps the site's own overall deadline ahead of the
// scrape's: the probe then ends by timeouts.total, which the diagnosis
// reads as the server's stall (a finding), not by the scrape's context,
// which the runner reads as the run being stopped (interrupted, no
// finding at all).
const budgetMargin = 100 * time.Millisecond

// withinBudget is site with its timeouts.total (and its control's) cut to
// what is left of the scrape's budget, so a stalled server is diagnosed
// as it would be by run.
func withinBudget(site *specs.Site, deadline time.Time) *specs.Site {
	left := time.Until(deadline) - budgetMargin
	if left <= 0 {
		left = time.Millisecond
	}
	capped := func(s *specs.Site) *specs.Site {
		c := *s
		if c.Timeouts.Total <= 0 || c.Timeouts.Total > left {
			c.Timeouts.Total = left
		}
		return &c
	}
	s := capped(site)
	if s.Control != nil {
		// The control runs after the site; whatever the site leaves of
		// the budget is its own, and a control cut by the scrape is
		// interrupted, which leaves the site's result as it is.
		s.Control = capped(s.Control)
	}
	return s
}

// acquire takes a probe slot, waiting at most wait.
func (e *Exporter) acquire(ctx context.Context, wait time.Duration) error {
	e.self.waiting.Inc()
	defer e.self.waiting.Dec()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case e.slots <- struct{}{}:
		e.self.inFlight.Inc()
		return nil
	case <-t.C:
		return errBusy
	case <-ctx.Done():
		if e.base.Err() != nil {
			return errStopping
		}
		return errBusy
	}
}

func (e *Exporter) release() {
	e.self.inFlight.Dec()
	<-e.slots
}

// record keeps the outcome for the landing page and /metrics. An answer
// of the guard is no probe: it is counted on its own.
func (e *Exporter) record(site *specs.Site, out *outcome) {
	r := out.result
	if out.guard != nil {
		e.self.guard.Inc()
	} else {
		e.self.probes.WithLabelValues(status(r.Status)).Inc()
		e.self.duration.Observe(out.duration.Seconds())
	}
	e.last.put(site.Name, summary{Status: r.Status, Verdict: r.Verdict.Line(), At: out.at, Duration: out.duration, Guard: out.guard != nil})
}
