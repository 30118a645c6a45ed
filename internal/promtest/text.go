package promtest

import (
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Parse reads a Prometheus text exposition (an exporter's answer).
func Parse(body string) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(strings.NewReader(body))
}

// Value is the value of the family's first series that has the labels
// given as "name=value" pairs (gauge, counter or untyped); ok is false
// when there is none.
func Value(mfs map[string]*dto.MetricFamily, name string, labels ...string) (v float64, ok bool) {
	mf := mfs[name]
	if mf == nil {
		return 0, false
	}
	for _, m := range mf.Metric {
		if !hasLabels(m, labels) {
			continue
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

// Label is the named label's value on the family's first series.
func Label(mfs map[string]*dto.MetricFamily, name, label string) string {
	mf := mfs[name]
	if mf == nil || len(mf.Metric) == 0 {
		return ""
	}
	for _, l := range mf.Metric[0].Label {
		if l.GetName() == label {
			return l.GetValue()
		}
	}
	return ""
}

func hasLabels(m *dto.Metric, want []string) bool {
	have := map[string]string{}
	for _, l := range m.Label {
		have[l.GetName()] = l.GetValue()
	}
	for _, kv := range want {
		k, v, _ := strings.Cut(kv, "=")
		if have[k] != v {
			return false
		}
	}
	return true
}

// BlackboxSMTPModule is blackbox_exporter's documented smtp_starttls
// module (its example.yml) under the name given, with the banner
// expectation loosened for Microsoft's banner ("220 HOST Microsoft ESMTP
// MAIL Service ready ..."), trusting caFile; tlsExtra adds lines to its
// tls_config (8 spaces deep), such as "min_version: TLS10".
func BlackboxSMTPModule(name, caFile string, tlsExtra ...string) string {
	m := "  " + name + `:
    prober: tcp
    timeout: 5s
    tcp:
      query_response:
        - expect: "^220 "
        - send: "EHLO prober\r"
        - expect: "^250-STARTTLS"
        - send: "STARTTLS\r"
        - expect: "^220"
        - starttls: true
        - send: "EHLO prober\r"
        - expect: "^250 "
        - send: "QUIT\r"
      tls_config:
        ca_file: ` + caFile + `
        server_name: localhost
`
	for _, l := range tlsExtra {
		m += "        " + l + "\n"
	}
	return m
}
