package nagios

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

var now = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

// result is a passing probe of a TLS site, changed by mods.
func result(mods ...func(*runner.Result)) *runner.Result {
	r := &runner.Result{
		Site:   &specs.Site{Name: "hq"},
		Status: runner.StatusPass,
		Verdict: diagnosis.Verdict{Category: catalog.OK, Finding: "Microsoft 365 accepted the envelope",
			Evidence: "250 2.1.5 OK"},
		Transcript: &transcript.Transcript{
			Duration: 1500 * time.Millisecond,
			Stages: []transcript.StageResult{
				{Stage: "connect", Status: transcript.Pass, Duration: 25 * time.Millisecond},
				{Stage: "rcpt", Status: transcript.Pass, Duration: 30 * time.Millisecond},
				{Stage: "data", Status: transcript.Skip},
			},
			TLS: &transcript.TLSInfo{EarliestNotAfter: now.Add(90 * 24 * time.Hour)},
		},
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

func expiresIn(d time.Duration) func(*runner.Result) {
	return func(r *runner.Result) { r.Transcript.TLS.EarliestNotAfter = now.Add(d) }
}

func TestJudge(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name  string
		r     *runner.Result
		th    Thresholds
		state State
		line  string
	}{
		{"pass", result(), DefaultThresholds, OK, "hq: ok: Microsoft 365 accepted the envelope"},
		{"new has no golden: still OK", result(func(r *runner.Result) { r.Status = runner.StatusNew }), DefaultThresholds, OK, "hq: ok:"},
		{"drift", result(func(r *runner.Result) {
			r.Status, r.Drift = runner.StatusDrift, &golden.Drift{Stages: []transcript.Stage{"ehlo"}}
		}), DefaultThresholds, Warning, "hq: drift; ok:"},
		{"fail", result(func(r *runner.Result) {
			r.Status = runner.StatusFail
			r.Verdict = diagnosis.Verdict{Category: catalog.Reputation, Stage: "rcpt", Step: 7, Finding: "banned"}
		}), DefaultThresholds, Critical, "hq: failed; reputation at rcpt (step 7): banned"},
		{"cert within warn", result(expiresIn(10 * day)), DefaultThresholds, Warning, "hq: certificate expires in 10 days; ok:"},
		{"cert within crit", result(expiresIn(3 * day)), DefaultThresholds, Critical, "hq: certificate expires in 3 days; ok:"},
		{"cert limits off", result(expiresIn(3 * day)), Thresholds{}, OK, "hq: ok:"},
		{"slow", result(), Thresholds{TimeWarn: time.Second}, Warning, "hq: slow; ok:"},
		{"very slow", result(), Thresholds{TimeWarn: 500 * time.Millisecond, TimeCrit: time.Second}, Critical, "hq: slow; ok:"},
		{"basic auth finding", result(func(r *runner.Result) {
			r.Verdict.Findings = []diagnosis.Finding{{ID: diagnosis.BasicAuthRetirement, Severity: diagnosis.SevWarning, Text: "password"}}
		}), DefaultThresholds, Warning, "hq: basic-auth-retirement; ok:"},
		{"info finding is no warning", result(func(r *runner.Result) {
			r.Verdict.Findings = []diagnosis.Finding{{ID: "client-cert", Severity: diagnosis.SevInfo, Text: "cert"}}
		}), DefaultThresholds, OK, "hq: ok:"},
		{"insecure warning", result(func(r *runner.Result) { r.Warnings = []string{runner.InsecureWarning} }), DefaultThresholds, Warning, "hq: warning; ok:"},
		{"state file unreadable", result(func(r *runner.Result) {
			r.Status, r.Err = runner.StatusError, errors.New("AUTH failure state: permission denied")
			r.Transcript = &transcript.Transcript{}
		}), DefaultThresholds, Unknown, "hq: ok:"},
		{"guard", result(func(r *runner.Result) {
			r.Status = runner.StatusError
			r.Err = &authguard.Refused{Last: authguard.Failure{Reply: "535 5.7.139 Authentication unsuccessful", At: now.Add(-time.Minute)}, Next: now.Add(14 * time.Minute)}
			r.Transcript = &transcript.Transcript{}
			r.Verdict = diagnosis.Verdict{Category: catalog.AuthCat, Stage: "auth", Step: 9, Finding: "not probed"}
		}), DefaultThresholds, Critical, "hq: guard; auth at auth (step 9): not probed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Judge(tt.r, tt.th, now)
			if c.State != tt.state {
				t.Errorf("state %s, want %s (%v)", c.State, tt.state, c.Reason)
			}
			if !strings.HasPrefix(c.Line, tt.line) {
				t.Errorf("line %q, want prefix %q", c.Line, tt.line)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	r := result(func(r *runner.Result) {
		r.Verdict.Finding = "odd | reply " + strings.Repeat("x", 600)
	})
	c := Judge(r, Thresholds{CertWarn: 21 * 24 * time.Hour, CertCrit: 7 * 24 * time.Hour, TimeWarn: 2 * time.Second}, now)
	c.LongLines(r.Verdict)
	var b strings.Builder
	if err := c.Write(&b); err != nil {
		t.Fatal(err)
	}
	first, rest, _ := strings.Cut(b.String(), "\n")
	text, perf, ok := strings.Cut(first, " | ")
	if !ok || strings.Contains(text, "|") || len(text) > maxLine+len("SMTPSPEC OK - ") {
		t.Errorf("status text %q (%d bytes)", text, len(text))
	}
	want := "'time'=1.5s;2;;0 'connect'=0.025s;;;0 'rcpt'=0.03s;;;0 'cert_days'=90;21:;7:"
	if perf != want {
		t.Errorf("perfdata\n got %s\nwant %s", perf, want)
	}
	if !strings.Contains(rest, "evidence: 250 2.1.5 OK") {
		t.Errorf("long output: %q", rest)
	}
}

func TestStateNames(t *testing.T) {
	for s, want := range map[State]string{OK: "OK", Warning: "WARNING", Critical: "CRITICAL", Unknown: "UNKNOWN", State(9): "UNKNOWN"} {
		if s.String() != want {
			t.Errorf("%d: %s", s, s)
		}
	}
}
