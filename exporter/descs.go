package exporter

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

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

// probeDescs describe every metric /probe answers; made once.
type probeDescs struct {
	success, duration, info, guard, guardLast, guardNext, statusCode, dns, ipProtocol, phase,
	certExpiry, tlsVersion, tlsVerified, goldenMatch, finding, basicAuth *prometheus.Desc
}

var descs = sync.OnceValue(func() *probeDescs {
	n := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &probeDescs{
		success:  n("probe_success", "1 when the site passed and matched its golden (or has none yet), 0 when it failed, drifted or was not probed."),
		duration: n("probe_duration_seconds", "How long the probe took, in seconds (the guard's answers take no probe)."),
		info:     n("probe_smtp_info", helpInfo, "status", "category", "stage", "code", "enhanced", "step", "source"),
		guard:    n("probe_smtp_guard_answered", helpGuard),
		guardLast: n("probe_smtp_guard_last_failure_timestamp_seconds", "When the recorded AUTH failure happened (Unix time); "+
			"only when the guard answered."),
		guardNext: n("probe_smtp_guard_next_probe_timestamp_seconds", "When the guard lets the mailbox be probed again (Unix time); "+
			"only when the guard answered."),
		statusCode: n("probe_smtp_status_code", "The SMTP reply code that decided the verdict: the failing stage's reply, or the last "+
			"envelope reply when every stage passed; 0 when no reply decided it (timeout, refused connection, TLS failure). "+
			"When the guard answered: the recorded AUTH failure's code."),
		dns:        n("probe_dns_lookup_time_seconds", "How long resolving the endpoint (or its MX) took, in seconds."),
		ipProtocol: n("probe_ip_protocol", "The IP protocol of the connection (4 or 6; 0 when none was made)."),
		phase: n("probe_smtp_duration_seconds", "How long each stage of the SMTP conversation took, in seconds "+
			"(stages the probe did not reach are absent).", "phase"),
		certExpiry: n("probe_ssl_earliest_cert_expiry", "When the first certificate the server presented expires (Unix time)."),
		tlsVersion: n("probe_tls_version_info", "The TLS version the handshake negotiated (value 1).", "version"),
		tlsVerified: n("probe_smtp_tls_verified", "1 when the server's certificate verified, 0 when it did not "+
			"(the handshake went on only because the spec sets insecure_skip_verify)."),
		goldenMatch: n("probe_smtp_golden_match", "1 when the normalised transcript matched the stored golden, 0 when it drifted "+
			"(not exported when the site has no golden)."),
		finding: n("probe_smtp_finding", "A fact about the site's credentials or endpoint that every report shows (value 1): "+
			"id as in the JSON report, severity error, warning or info.", "id", "severity"),
		basicAuth: n("probe_smtp_basic_auth_exposed", helpBasicAuth),
	}
})

// allDescs lists them for Describe.
func allDescs() []*prometheus.Desc {
	d := descs()
	return []*prometheus.Desc{d.success, d.duration, d.info, d.guard, d.guardLast, d.guardNext, d.statusCode, d.dns,
		d.ipProtocol, d.phase, d.certExpiry, d.tlsVersion, d.tlsVerified, d.goldenMatch, d.finding, d.basicAuth}
}
