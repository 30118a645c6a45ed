package exporter

import (
	"net"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// Phases are the stages probe_smtp_duration_seconds reports, in protocol
// order (resolve is probe_dns_lookup_time_seconds; quit ends nothing a
// device waits for).
var Phases = []string{checks.Connect, checks.Banner, checks.EHLO, checks.STARTTLS, checks.TLS,
	checks.EHLOTLS, checks.Auth, checks.Mail, checks.Rcpt, checks.Data}

// Help texts that carry a promise (tests read them).
const (
	helpGuard = "1 when this scrape did not probe: the site's mailbox failed AUTH less than the guard's interval ago " +
		"(Microsoft 365 throttles a mailbox after continuous AUTH failures), so every metric of this scrape answers " +
		"the recorded failure, not a new probe."
	helpInfo = "The site's verdict (value 1). status: pass, fail, drift, new (no golden stored), error; category, stage, " +
		"code, enhanced and step (checklist 1-10) as in the JSON report; source: probe, or guard when the scrape answers " +
		"the AUTH-failure record instead of probing."
	helpBasicAuth = "1 when the site authenticates to Exchange Online with a password (AUTH LOGIN/PLAIN): basic " +
		"authentication becomes disabled by default for existing tenants at the end of December 2026 " +
		"(exact day unconfirmed by Microsoft). Not exported when the scrape was answered by the guard."
)

// probeRegistry is a fresh registry holding one probe's metrics: gauges
// set once from the outcome, never counters carried across scrapes.
func probeRegistry(out *outcome) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	m := metricSet{reg}
	r := out.result
	m.gauge("probe_success", "1 when the site passed and matched its golden (or has none yet), 0 when it failed, drifted or was not probed.", b2f(success(r.Status)))
	m.gauge("probe_duration_seconds", "How long the probe took, in seconds (0 when the guard answered).", out.duration.Seconds())
	m.info(r, out.guard)
	m.gauge("probe_smtp_guard_answered", helpGuard, b2f(out.guard != nil))
	if out.guard != nil {
		m.guard(out.guard)
		return reg
	}
	t := r.Transcript
	m.stages(t)
	m.gauge("probe_smtp_status_code", "The SMTP reply code that decided the verdict: the failing stage's reply, or the last "+
		"envelope reply when every stage passed; 0 when no reply decided it (timeout, refused connection, TLS failure).", float64(statusCode(r)))
	if t.TLS != nil {
		m.tls(t.TLS)
	}
	if r.Drift != nil || r.Status == runner.StatusPass {
		m.gauge("probe_smtp_golden_match", "1 when the normalised transcript matched the stored golden, 0 when it drifted "+
			"(not exported when the site has no golden).", b2f(r.Drift == nil))
	}
	m.findings(r.Verdict.Findings)
	return reg
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
	for _, st := range []string{checks.Data, checks.Rcpt, checks.Mail} {
		if res := r.Transcript.Stage(st); res.Reply != nil {
			return res.Reply.Code
		}
	}
	return 0
}

// metricSet registers gauges on one probe's registry.
type metricSet struct{ reg *prometheus.Registry }

func (m metricSet) gauge(name, help string, v float64) {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	g.Set(v)
	m.reg.MustRegister(g)
}

func (m metricSet) vec(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	m.reg.MustRegister(g)
	return g
}

// info is probe_smtp_info: the verdict in bounded labels only (labels.go).
func (m metricSet) info(r *runner.Result, guard *runner.ThrottledError) {
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
	m.vec("probe_smtp_info", helpInfo, "status", "category", "stage", "code", "enhanced", "step", "source").
		WithLabelValues(status(r.Status), category(v.Category), stageLabel(v.Stage), codeLabel(code), enhancedLabel(enhanced), step, source).Set(1)
}

// guard answers the AUTH-failure record: its reply code and times.
func (m metricSet) guard(g *runner.ThrottledError) {
	code, _ := recordedReply(g.Last.Reply)
	m.gauge("probe_smtp_status_code", "The SMTP reply code that decided the verdict; with probe_smtp_guard_answered 1, the "+
		"code of the recorded AUTH failure.", float64(code))
	m.gauge("probe_smtp_guard_last_failure_timestamp_seconds", "When the recorded AUTH failure happened (Unix time).", float64(g.Last.At.Unix()))
	m.gauge("probe_smtp_guard_next_probe_timestamp_seconds", "When the guard lets the mailbox be probed again (Unix time).", float64(g.Next.Unix()))
}

// stages exports the time of each stage the probe reached.
func (m metricSet) stages(t *transcript.Transcript) {
	if res := t.Stage(checks.Resolve); res.Status != transcript.Skip {
		m.gauge("probe_dns_lookup_time_seconds", "How long resolving the endpoint (or its MX) took, in seconds.", res.Duration.Seconds())
	}
	m.gauge("probe_ip_protocol", "The IP protocol of the connection (4 or 6; 0 when none was made).", float64(ipProtocol(t.Stage(checks.Connect).Addr)))
	phases := m.vec("probe_smtp_duration_seconds", "How long each stage of the SMTP conversation took, in seconds "+
		"(stages the probe did not reach are absent).", "phase")
	for _, p := range Phases {
		if res := t.Stage(p); res.Status != transcript.Skip {
			phases.WithLabelValues(p).Set(res.Duration.Seconds())
		}
	}
}

// tls exports the handshake's facts, as blackbox_exporter names them.
func (m metricSet) tls(i *transcript.TLSInfo) {
	if !i.EarliestNotAfter.IsZero() {
		m.gauge("probe_ssl_earliest_cert_expiry", "When the first certificate the server presented expires (Unix time).", float64(i.EarliestNotAfter.Unix()))
	}
	if v := tlsVersion(i.Version); v != "" {
		m.vec("probe_tls_version_info", "The TLS version the handshake negotiated (value 1).", "version").WithLabelValues(v).Set(1)
	}
	m.gauge("probe_smtp_tls_verified", "1 when the server's certificate verified, 0 when it did not "+
		"(the handshake went on only because the spec sets insecure_skip_verify).", b2f(i.Verified))
}

// findings exports the verdict's findings and the basic-auth exposure.
func (m metricSet) findings(fs []checks.Finding) {
	exposed := false
	vec := m.vec("probe_smtp_finding", "A fact about the site's credentials or endpoint that every report shows (value 1): "+
		"id as in the JSON report, severity error, warning or info.", "id", "severity")
	for _, f := range fs {
		exposed = exposed || f.ID == checks.BasicAuthRetirement
		vec.WithLabelValues(findingID(f.ID), severity(f.Severity)).Set(1)
	}
	m.gauge("probe_smtp_basic_auth_exposed", helpBasicAuth, b2f(exposed))
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
