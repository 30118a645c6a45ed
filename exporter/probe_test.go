package exporter

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/smtpspec/smtpspec/transcript"
)

// scenarioSites is the fleet the tests scrape: every kind of verdict.
var scenarioSites = []site{
	{"hq-login", "submission-ok", loginBody},
	{"hq-auth-disabled", "submission-auth-disabled", loginBody},
	{"branch-ds", "directsend-ok", directSend},
	{"branch-banned", "banned-ip", directSend},
	{"branch-unknown-rcpt", "recipient-unknown", directSend},
	{"branch-firewall", "firewall-inspection", directSend},
	{"warehouse-relay", "relay-ok", "  method = \"relay\"\n  envelope {\n    from = \"scanner@contoso.com\"\n    to   = [\"orders@fabrikam.example\"]\n  }\n"},
	{"old-printer", "legacy-tls-refused", loginBody + "  client {\n    tls_min = \"1.0\"\n    tls_max = \"1.1\"\n  }\n"},
}

// want is what a scrape of a scenario site must say.
type want struct {
	success            float64
	status, cat, stage string
	code               string
	phases             []string // reached, at least
	basicAuth          float64
}

var scenarioWants = map[string]want{
	"hq-login":            {1, "new", "ok", "", "250", []string{"connect", "banner", "ehlo", "starttls", "tls", "ehlo_tls", "auth", "mail", "rcpt"}, 1},
	"hq-auth-disabled":    {0, "fail", "auth", "auth", "535", []string{"tls", "auth"}, 1},
	"branch-ds":           {1, "new", "ok", "", "250", []string{"connect", "tls", "mail", "rcpt"}, 0},
	"branch-banned":       {0, "fail", "reputation", "rcpt", "550", []string{"rcpt"}, 0},
	"branch-unknown-rcpt": {0, "fail", "recipient", "rcpt", "550", []string{"rcpt"}, 0},
	"branch-firewall":     {0, "fail", "firewall", "", "", []string{"connect", "banner", "ehlo"}, 0},
	"warehouse-relay":     {1, "new", "ok", "", "250", []string{"rcpt"}, 0},
	"old-printer":         {0, "fail", "tls", "", "421", []string{"tls"}, 1},
}

func TestProbeScenarios(t *testing.T) {
	f := newFixture(t, 4, scenarioSites...)
	for _, s := range scenarioSites {
		t.Run(s.name, func(t *testing.T) {
			w := scenarioWants[s.name]
			mfs, body := f.scrape(s.name, 10*time.Second)
			if v, _ := value(mfs, "probe_success"); v != w.success {
				t.Errorf("probe_success = %v, want %v\n%s", v, w.success, body)
			}
			labels := []string{"status=" + w.status, "category=" + w.cat, "source=probe"}
			if w.stage != "" {
				labels = append(labels, "stage="+w.stage)
			}
			if w.code != "" {
				labels = append(labels, "code="+w.code)
			}
			if _, ok := value(mfs, "probe_smtp_info", labels...); !ok {
				t.Errorf("no probe_smtp_info with %v:\n%s", labels, grep(body, "probe_smtp_info"))
			}
			for _, p := range w.phases {
				if _, ok := value(mfs, "probe_smtp_duration_seconds", "phase="+p); !ok {
					t.Errorf("no phase %s duration:\n%s", p, grep(body, "probe_smtp_duration_seconds"))
				}
			}
			if v, _ := value(mfs, "probe_smtp_basic_auth_exposed"); v != w.basicAuth {
				t.Errorf("basic auth exposed = %v, want %v", v, w.basicAuth)
			}
			for _, name := range []string{"probe_duration_seconds", "probe_ip_protocol", "probe_dns_lookup_time_seconds", "probe_smtp_status_code", "probe_smtp_guard_answered"} {
				if _, ok := value(mfs, name); !ok {
					t.Errorf("no %s", name)
				}
			}
			if v, _ := value(mfs, "probe_ip_protocol"); v != 4 {
				t.Errorf("probe_ip_protocol = %v, want 4", v)
			}
			if w.success == 1 {
				if _, ok := value(mfs, "probe_tls_version_info", "version=TLS 1.3"); !ok {
					t.Errorf("no probe_tls_version_info TLS 1.3:\n%s", body)
				}
				if v, ok := value(mfs, "probe_ssl_earliest_cert_expiry"); !ok || v < float64(time.Now().Unix()) {
					t.Errorf("probe_ssl_earliest_cert_expiry = %v (%v)", v, ok)
				}
			}
			checkLabels(t, mfs, body)
		})
	}
}

// grep keeps the lines of body that mention name, for failure messages.
func grep(body, name string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, name) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// allowed is every label's vocabulary: a value outside it is a reply
// text, an address, a secret or unbounded cardinality leaking in.
var allowed = map[string]*regexp.Regexp{
	"status":   regexp.MustCompile(`^(pass|fail|drift|new|error)$`),
	"category": regexp.MustCompile(`^(ok|network|firewall|tls|auth|reputation|policy|recipient|service|config|)$`),
	"stage":    regexp.MustCompile(`^(` + transcript.JoinStages(transcript.Stages(), "|") + `|)$`),
	"phase":    regexp.MustCompile(`^(` + transcript.JoinStages(Phases, "|") + `)$`),
	"code":     regexp.MustCompile(`^([2-5][0-9][0-9])?$`),
	"enhanced": regexp.MustCompile(`^([245]\.[0-9]{1,3}\.[0-9]{1,3})?$`),
	"step":     regexp.MustCompile(`^([1-9]|10)?$`),
	"source":   regexp.MustCompile(`^(probe|guard)$`),
	"version":  regexp.MustCompile(`^TLS 1\.[0-3]$`),
	"id":       regexp.MustCompile(`^[a-z][a-z0-9-]+$`),
	"severity": regexp.MustCompile(`^(error|warning|info)$`),
}

// checkLabels scans every label of every metric: known name, value in
// its vocabulary, and none of the secrets or addresses of the test, in
// any form; the body as a whole holds no secret either.
func checkLabels(t *testing.T, mfs map[string]*dto.MetricFamily, body string) {
	t.Helper()
	forbidden := secretForms()
	forbidden = append(forbidden, "127.0.0.1", testUser, "frontdesk@", "contoso")
	for name, mf := range mfs {
		for _, m := range mf.Metric {
			for _, l := range m.Label {
				re := allowed[l.GetName()]
				if re == nil {
					t.Errorf("%s: label %q is not in the vocabulary", name, l.GetName())
					continue
				}
				if !re.MatchString(l.GetValue()) {
					t.Errorf("%s{%s=%q}: value outside the vocabulary", name, l.GetName(), l.GetValue())
				}
				for _, bad := range forbidden {
					if strings.Contains(l.GetValue(), bad) {
						t.Errorf("%s{%s=%q} holds %q", name, l.GetName(), l.GetValue(), bad)
					}
				}
			}
		}
	}
	for _, s := range secretForms() {
		if strings.Contains(body, s) {
			t.Errorf("answer holds the secret (form %q)", s)
		}
	}
}

// secretForms is the password plain, base64 (AUTH LOGIN) and as an AUTH
// PLAIN blob.
func secretForms() []string {
	b64 := base64.StdEncoding.EncodeToString
	return []string{testPassword, b64([]byte(testPassword)), b64([]byte("\x00" + testUser + "\x00" + testPassword)),
		strings.TrimRight(b64([]byte(testPassword)), "=")}
}

func TestUnknownTarget(t *testing.T) {
	f := newFixture(t, 2, scenarioSites[:3]...)
	for _, q := range []string{"?target=nope", "", "?target="} {
		code, body := f.get("/probe"+q, 0)
		if code != http.StatusBadRequest {
			t.Errorf("%q: HTTP %d, want 400", q, code)
		}
		for _, s := range scenarioSites[:3] {
			if !strings.Contains(body, s.name) {
				t.Errorf("%q: the 400 answer does not list %s: %s", q, s.name, body)
			}
		}
	}
	_, body := f.get("/metrics", 0)
	if !strings.Contains(body, `smtpspec_exporter_requests_rejected_total{reason="unknown_target"} 3`) {
		t.Errorf("rejections not counted:\n%s", grep(body, "rejected"))
	}
}

func TestBadScrapeTimeout(t *testing.T) {
	f := newFixture(t, 2, scenarioSites[2])
	req, _ := http.NewRequest("GET", f.srv.URL+"/probe?target=branch-ds", nil)
	req.Header.Set(ScrapeTimeoutHeader, "soon")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("HTTP %d, want 400", resp.StatusCode)
	}
}

func TestBudget(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   time.Duration
	}{
		{"", noHeaderBudget},
		{"10", 9500 * time.Millisecond},
		{"30.5", 30 * time.Second},
		{"1", 500 * time.Millisecond},
		{"0.4", 200 * time.Millisecond},
	} {
		h := http.Header{}
		if tt.header != "" {
			h.Set(ScrapeTimeoutHeader, tt.header)
		}
		if got, err := budget(h); err != nil || got != tt.want {
			t.Errorf("budget(%q) = %v, %v; want %v", tt.header, got, err, tt.want)
		}
	}
	for _, bad := range []string{"-1", "0", "x", "NaN", "1e9"} {
		h := http.Header{ScrapeTimeoutHeader: []string{bad}}
		if _, err := budget(h); err == nil {
			t.Errorf("budget(%q) accepted", bad)
		}
	}
}

func TestPhasesAreStages(t *testing.T) {
	for _, p := range Phases {
		if !slices.Contains(transcript.Stages(), p) {
			t.Errorf("phase %q is no stage", p)
		}
	}
}
