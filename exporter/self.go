package exporter

import (
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/smtpspec/smtpspec/runner"
)

// selfMetrics are the exporter's own, on GET /metrics: what it did across
// scrapes (counters are right here), never a site's result (that is
// /probe's). Like blackbox_exporter's, plus the Go and process collectors.
type selfMetrics struct {
	reg *prometheus.Registry

	probes   *prometheus.CounterVec
	duration prometheus.Histogram
	overhead prometheus.Histogram
	inFlight prometheus.Gauge
	waiting  prometheus.Gauge
	shared   prometheus.Counter
	guard    prometheus.Counter
	rejected *prometheus.CounterVec

	reloads      *prometheus.CounterVec
	reloadOK     prometheus.Gauge
	reloadOKTime prometheus.Gauge
	sites        prometheus.Gauge
}

func newSelfMetrics(version string, maxProbes int) *selfMetrics {
	const ns = "smtpspec_exporter_"
	m := &selfMetrics{
		reg: prometheus.NewRegistry(),
		probes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: ns + "probes_total",
			Help: "Probes run, by the site's status (pass, fail, drift, new, error); the guard's answers are not probes (guard_answers_total)."}, []string{"status"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: ns + "probe_duration_seconds",
			Help:    "How long probes took, in seconds.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}),
		overhead: prometheus.NewHistogram(prometheus.HistogramOpts{Name: ns + "scrape_overhead_seconds",
			Help:    "What a /probe request cost beyond the probe itself (lookup, queue, metrics), in seconds.",
			Buckets: []float64{.0001, .00025, .0005, .001, .002, .005, .01, .05, .25, 1}}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: ns + "probes_in_flight", Help: "Probes running now."}),
		waiting:  prometheus.NewGauge(prometheus.GaugeOpts{Name: ns + "probes_waiting", Help: "Probe requests waiting for a slot (--max-probes)."}),
		shared: prometheus.NewCounter(prometheus.CounterOpts{Name: ns + "probes_shared_total",
			Help: "Probe requests answered by a probe of the same site already running (another scraper's)."}),
		guard: prometheus.NewCounter(prometheus.CounterOpts{Name: ns + "guard_answers_total",
			Help: "Probe requests answered from the AUTH-failure record instead of probing the mailbox again."}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: ns + "requests_rejected_total",
			Help: "Probe requests answered without metrics: unknown_target, bad_request (400); busy, shutting_down (503)."}, []string{"reason"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: ns + "config_reloads_total",
			Help: "Spec loads (start, SIGHUP, POST /-/reload), by result (success, failure)."}, []string{"result"}),
		reloadOK: prometheus.NewGauge(prometheus.GaugeOpts{Name: ns + "config_last_reload_successful",
			Help: "1 when the last spec load succeeded; 0: the last good specs are still served, the landing page shows the errors."}),
		reloadOKTime: prometheus.NewGauge(prometheus.GaugeOpts{Name: ns + "config_last_reload_success_timestamp_seconds",
			Help: "When the specs in service were loaded (Unix time)."}),
		sites: prometheus.NewGauge(prometheus.GaugeOpts{Name: ns + "sites", Help: "Sites in service."}),
	}
	maxG := prometheus.NewGauge(prometheus.GaugeOpts{Name: ns + "probes_max", Help: "Probes allowed in flight at once (--max-probes)."})
	maxG.Set(float64(maxProbes))
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: ns + "build_info",
		Help: "The smtpspec build serving (value 1)."}, []string{"version", "goversion"})
	build.WithLabelValues(version, runtime.Version()).Set(1)
	for _, l := range runner.Outcomes {
		m.probes.WithLabelValues(string(l)) // every series from the start: rate() sees the first one
	}
	for _, l := range []string{"unknown_target", "bad_request", "busy", "shutting_down"} {
		m.rejected.WithLabelValues(l)
	}
	for _, l := range []string{"success", "failure"} {
		m.reloads.WithLabelValues(l)
	}
	m.reg.MustRegister(m.probes, m.duration, m.overhead, m.inFlight, m.waiting, m.shared, m.guard, m.rejected,
		m.reloads, m.reloadOK, m.reloadOKTime, m.sites, maxG, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// reloaded counts a spec load.
func (m *selfMetrics) reloaded(ok bool, at time.Time) {
	if !ok {
		m.reloads.WithLabelValues("failure").Inc()
		m.reloadOK.Set(0)
		return
	}
	m.reloads.WithLabelValues("success").Inc()
	m.reloadOK.Set(1)
	m.reloadOKTime.Set(float64(at.Unix()))
}

func (m *selfMetrics) handler() http.Handler {
	return promhttp.InstrumentMetricHandler(m.reg, promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}
