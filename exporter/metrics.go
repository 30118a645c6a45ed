package exporter

import (
	"net"
	"slices"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// Phases are the stages probe_smtp_duration_seconds reports, in protocol
// order: every stage but resolve (probe_dns_lookup_time_seconds), quit
// (it ends nothing a device waits for) and trace (after the session).
var Phases = slices.DeleteFunc(transcript.Stages(), func(s transcript.Stage) bool {
	return s == transcript.Resolve || s == transcript.Quit || s == transcript.Trace
})

// probeRegistry is a fresh registry holding one probe's metrics, made at
// scrape time from the outcome as the "Writing exporters" guide asks
// (const metrics from a collector): gauges of this probe, never counters
// carried across scrapes.
func probeRegistry(out *outcome) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(probeCollector{out})
	return reg
}

// probeCollector turns one outcome into metrics (descs.go).
type probeCollector struct{ out *outcome }

func (c probeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs() {
		ch <- d
	}
}

func (c probeCollector) Collect(ch chan<- prometheus.Metric) {
	d := descs()
	r, guard := c.out.result, c.out.guard
	emit := func(desc *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, labels...)
	}
	emit(d.success, b2f(success(r.Status)))
	emit(d.duration, c.out.duration.Seconds())
	emit(d.info, 1, infoLabels(r, guard)...)
	emit(d.guard, b2f(guard != nil))
	if guard != nil {
		code, _ := recordedReply(guard.Last.Reply)
		emit(d.statusCode, float64(code))
		emit(d.guardLast, float64(guard.Last.At.Unix()))
		emit(d.guardNext, float64(guard.Next.Unix()))
		return
	}
	t := r.Transcript
	if res := t.Stage(transcript.Resolve); res.Status != transcript.Skip {
		emit(d.dns, res.Duration.Seconds())
	}
	emit(d.ipProtocol, float64(ipProtocol(t.Stage(transcript.Connect).Addr)))
	for _, p := range Phases {
		if res := t.Stage(p); res.Status != transcript.Skip {
			emit(d.phase, res.Duration.Seconds(), string(p))
		}
	}
	emit(d.statusCode, float64(statusCode(r)))
	if i := t.TLS; i != nil {
		if !i.EarliestNotAfter.IsZero() {
			emit(d.certExpiry, float64(i.EarliestNotAfter.Unix()))
		}
		if v := tlsVersion(i.Version); v != "" {
			emit(d.tlsVersion, 1, v)
		}
		emit(d.tlsVerified, b2f(i.Verified))
	}
	if r.Drift != nil || r.Status == runner.StatusPass {
		emit(d.goldenMatch, b2f(r.Drift == nil))
	}
	exposed := false
	for _, f := range r.Verdict.Findings {
		exposed = exposed || f.ID == diagnosis.BasicAuthRetirement
		emit(d.finding, 1, findingID(f.ID), severity(f.Severity))
	}
	emit(d.basicAuth, b2f(exposed))
}

// success is probe_success: a site without a golden yet still works.
func success(s runner.Status) bool { return s == runner.StatusPass || s == runner.StatusNew }

// statusCode is probe_smtp_status_code's value.
func statusCode(r *runner.Result) int {
	if r.Verdict.Code != 0 {
		return r.Verdict.Code
	}
	if _, failed := r.Transcript.Failed(); failed {
		return 0
	}
	for _, st := range []transcript.Stage{transcript.Data, transcript.Rcpt, transcript.Mail} {
		if res := r.Transcript.Stage(st); res.Reply != nil {
			return res.Reply.Code
		}
	}
	return 0
}

// infoLabels are probe_smtp_info's label values (labels.go bounds each):
// the verdict, or with the guard the recorded reply's codes.
func infoLabels(r *runner.Result, guard *authguard.Refused) []string {
	v := r.Verdict
	codeN, enhanced, source := v.Code, v.Enhanced, "probe"
	if guard != nil {
		codeN, enhanced = recordedReply(guard.Last.Reply)
		source = "guard"
	}
	code, step := "", ""
	if codeN != 0 {
		code = strconv.Itoa(codeN)
	}
	if v.Step > 0 && v.Step <= 10 {
		step = strconv.Itoa(v.Step)
	}
	return []string{status(r.Status), category(v.Category), stageLabel(v.Stage), codeLabel(code), enhancedLabel(enhanced), step, source}
}

// ipProtocol is 4 or 6 for a connected address, 0 otherwise.
func ipProtocol(addr string) int {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return 0
	case ip.To4() != nil:
		return 4
	}
	return 6
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
