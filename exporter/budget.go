package exporter

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// ScrapeTimeoutHeader is how Prometheus tells a target its scrape timeout.
const ScrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"

// TimeoutOffset is kept back from the scrape timeout, as blackbox_exporter
// does (its --timeout-offset default), so the answer reaches Prometheus
// before it gives up on the scrape: a stalled site then shows as a failed
// stage, not as a scrape that timed out.
const TimeoutOffset = 500 * time.Millisecond

// noHeaderBudget bounds a request without the header (a person with curl):
// the site's own timeouts.total still applies within it.
const noHeaderBudget = 2 * time.Minute

// budget is the probe's whole deadline for a request: the scrape timeout
// minus TimeoutOffset (half the timeout when it is 1 s or less, so a short
// timeout still leaves the probe something).
func budget(h http.Header) (time.Duration, error) {
	v := h.Get(ScrapeTimeoutHeader)
	if v == "" {
		return noHeaderBudget, nil
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || !(secs > 0 && secs <= 24*3600) { // also NaN
		return 0, fmt.Errorf("%s: %q is not a number of seconds", ScrapeTimeoutHeader, v)
	}
	d := time.Duration(secs * float64(time.Second))
	if d <= 2*TimeoutOffset {
		return d / 2, nil
	}
	return d - TimeoutOffset, nil
}
