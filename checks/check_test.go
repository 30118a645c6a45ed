package checks

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
	"github.com/smtpspec/smtpspec/transcript/sessiontest"
)

func TestStagesRegistryMatchesStageNames(t *testing.T) {
	var keys []transcript.Stage
	for k := range Stages {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	names := transcript.Stages()
	slices.Sort(names)
	if !slices.Equal(keys, names) {
		t.Errorf("Stages keys %v, want transcript.Stages() %v", keys, names)
	}
}

// outcome is the part of an Outcome a case pins; reason "" means "any".
type outcome struct {
	status   transcript.Status
	expected bool
	reason   string // exact reason, or a phrase when prefixed with "~"
}

func TestEvaluate(t *testing.T) {
	banned := "550 5.7.606 Access denied, banned sending IP [203.0.113.7]."
	cases := []struct {
		name    string
		t       *transcript.Transcript
		plan    transcript.Plan
		expects map[transcript.Stage]*Expect
		want    map[transcript.Stage]outcome // by stage; stages not listed are not checked
	}{
		{name: "all pass, no expectations", t: sessiontest.AllPass(sessiontest.DirectPlan), plan: sessiontest.DirectPlan,
			want: map[transcript.Stage]outcome{transcript.Resolve: {status: transcript.Pass}, transcript.Rcpt: {status: transcript.Pass}, transcript.Quit: {status: transcript.Pass}}},
		{name: "refusal without expectation fails with the evidence", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, banned)), plan: sessiontest.DirectPlan,
			want: map[transcript.Stage]outcome{transcript.Mail: {status: transcript.Pass}, transcript.Rcpt: {status: transcript.Fail, reason: banned}, transcript.Quit: {status: transcript.Skip}}},
		{name: "expected refusal passes", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, banned)), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Rcpt: {Code: 550, Enhanced: "5.7.606"}},
			want: map[transcript.Stage]outcome{transcript.Rcpt: {status: transcript.Pass, expected: true, reason: "~as expected: code 550, enhanced code 5.7.606"},
				transcript.Quit: {status: transcript.Skip}}},
		{name: "code only: text is ignored", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "550 5.7.1 something else entirely")), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Rcpt: {Code: 550}},
			want:    map[transcript.Stage]outcome{transcript.Rcpt: {status: transcript.Pass, expected: true}}},
		{name: "expected refusal, got acceptance", t: sessiontest.AllPass(sessiontest.DirectPlan), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Rcpt: {Code: 550}},
			want:    map[transcript.Stage]outcome{transcript.Rcpt: {status: transcript.Fail, reason: `expected code 550, got 250 "2.1.5 Recipient OK"`}}},
		{name: "enhanced mismatch", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, "550 5.7.1 Unable to relay")), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Rcpt: {Code: 550, Enhanced: "5.7.606"}},
			want: map[transcript.Stage]outcome{transcript.Rcpt: {status: transcript.Fail,
				reason: `expected enhanced code 5.7.606, got 5.7.1 (550 "5.7.1 Unable to relay")`}}},
		{name: "text regexp over all reply lines", t: sessiontest.AllPass(sessiontest.DirectPlan), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.EHLO: {Code: 250, Text: regexp.MustCompile(`SIZE \d+ .*SMTPUTF8`)}},
			want:    map[transcript.Stage]outcome{transcript.EHLO: {status: transcript.Pass, expected: true}}},
		{name: "text mismatch", t: sessiontest.AllPass(sessiontest.DirectPlan), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Mail: {Text: regexp.MustCompile(`^2\.1\.0 Sender OK$`)}, transcript.Rcpt: {Text: regexp.MustCompile(`Accepted`)}},
			want: map[transcript.Stage]outcome{transcript.Mail: {status: transcript.Pass, expected: true},
				transcript.Rcpt: {status: transcript.Fail, reason: `expected text matching "Accepted", got "2.1.5 Recipient OK"`}}},
		{name: "text against the error", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Banner, transcript.KindTimeout, "no banner within 30s")), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Banner: {Text: regexp.MustCompile(`^no banner`)}},
			want:    map[transcript.Stage]outcome{transcript.Banner: {status: transcript.Pass, expected: true}}},
		{name: "expected error", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Banner, transcript.KindTimeout, "no banner within 30s")), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Banner: {Error: transcript.KindTimeout}},
			want:    map[transcript.Stage]outcome{transcript.Banner: {status: transcript.Pass, expected: true}, transcript.EHLO: {status: transcript.Skip}}},
		{name: "expected error of another kind", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Banner, transcript.KindClosed, "EOF")), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Banner: {Error: transcript.KindTimeout}},
			want:    map[transcript.Stage]outcome{transcript.Banner: {status: transcript.Fail, reason: "expected error timeout, got closed: EOF"}}},
		{name: "expected error, got a reply", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Banner, "554 No SMTP service here")), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Banner: {Error: transcript.KindTimeout}},
			want: map[transcript.Stage]outcome{transcript.Banner: {status: transcript.Fail,
				reason: `expected error timeout, got reply 554 "No SMTP service here"`}}},
		{name: "expected error, stage passed", t: sessiontest.AllPass(sessiontest.DirectPlan), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Resolve: {Error: transcript.KindDNS}},
			want:    map[transcript.Stage]outcome{transcript.Resolve: {status: transcript.Fail, reason: "expected error dns, got none: the stage passed"}}},
		{name: "expectation on a stage not reached", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Banner, transcript.KindTimeout, "no banner within 30s")), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Rcpt: {Code: 250}},
			want: map[transcript.Stage]outcome{transcript.Banner: {status: transcript.Fail},
				transcript.Rcpt: {status: transcript.Fail, reason: "not reached: the probe stopped at banner (timeout: no banner within 30s)"}}},
		{name: "stages after an expected failure are skipped", t: sessiontest.With(sessiontest.Session(sessiontest.DirectPlan, sessiontest.At(transcript.Rcpt, banned)), func(t *transcript.Transcript) {
			for i := range t.Stages {
				if t.Stages[i].Stage == transcript.Quit {
					t.Stages[i] = sessiontest.ErrAt(transcript.Quit, transcript.KindClosed, "EOF")
					t.Stages[i].Status = transcript.Fail
				}
			}
		}), plan: sessiontest.DirectPlan, expects: map[transcript.Stage]*Expect{transcript.Rcpt: {Code: 550}},
			want: map[transcript.Stage]outcome{transcript.Rcpt: {status: transcript.Pass, expected: true},
				transcript.Quit: {status: transcript.Skip, reason: "not judged: follows the expected failure at rcpt"}}},
		{name: "data expectation", t: sessiontest.AllPass(transcript.Plan{Method: transcript.Relay, TLS: transcript.StartTLS, Data: true}), plan: transcript.Plan{Method: transcript.Relay, TLS: transcript.StartTLS, Data: true},
			expects: map[transcript.Stage]*Expect{transcript.Data: {Code: 250, Enhanced: "2.6.0", Text: regexp.MustCompile(`Queued`)}},
			want:    map[transcript.Stage]outcome{transcript.Data: {status: transcript.Pass, expected: true}}},
		{name: "code expected, no reply", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Rcpt, transcript.KindReset, "connection reset by peer")), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.Rcpt: {Code: 550, Enhanced: "5.7.606"}},
			want: map[transcript.Stage]outcome{transcript.Rcpt: {status: transcript.Fail,
				reason: "expected code 550, got no reply (reset: connection reset by peer); expected enhanced code 5.7.606, got no reply (reset: connection reset by peer)"}}},
		{name: "capabilities, case-insensitive, parameters ignored", t: sessiontest.AllPass(sessiontest.SubmissionPlan), plan: sessiontest.SubmissionPlan,
			expects: map[transcript.Stage]*Expect{transcript.EHLO: {Capabilities: []string{"starttls", "SIZE"}}, transcript.EHLOTLS: {Capabilities: []string{"AUTH", "auth login"}}},
			want:    map[transcript.Stage]outcome{transcript.EHLO: {status: transcript.Pass, expected: true}, transcript.EHLOTLS: {status: transcript.Pass, expected: true}}},
		{name: "capability missing", t: sessiontest.AllPass(sessiontest.SubmissionPlan), plan: sessiontest.SubmissionPlan,
			expects: map[transcript.Stage]*Expect{transcript.EHLO: {Capabilities: []string{"AUTH"}}},
			want:    map[transcript.Stage]outcome{transcript.EHLO: {status: transcript.Fail, reason: "~expected capabilities AUTH at ehlo, missing AUTH (advertised: SIZE 157286400, PIPELINING"}}},
		{name: "capabilities outside EHLO", t: sessiontest.AllPass(sessiontest.SubmissionPlan), plan: sessiontest.SubmissionPlan,
			expects: map[transcript.Stage]*Expect{transcript.Mail: {Capabilities: []string{"AUTH"}}},
			want:    map[transcript.Stage]outcome{transcript.Mail: {status: transcript.Fail, reason: "~only advertised at ehlo and ehlo_tls"}}},
		{name: "TLS version and certificate lifetime", t: sessiontest.AllPass(sessiontest.SubmissionPlan), plan: sessiontest.SubmissionPlan,
			expects: map[transcript.Stage]*Expect{transcript.TLS: {VersionMin: "1.2", CertDaysMin: 30}},
			want:    map[transcript.Stage]outcome{transcript.TLS: {status: transcript.Pass, expected: true}}},
		{name: "TLS version too old", t: sessiontest.With(sessiontest.AllPass(sessiontest.SubmissionPlan), func(t *transcript.Transcript) { t.TLS.Version = "TLS1.0" }), plan: sessiontest.SubmissionPlan,
			expects: map[transcript.Stage]*Expect{transcript.TLS: {VersionMin: "1.2"}},
			want:    map[transcript.Stage]outcome{transcript.TLS: {status: transcript.Fail, reason: "expected TLS version >= 1.2, got TLS1.0"}}},
		{name: "certificate expires soon", t: sessiontest.With(sessiontest.AllPass(sessiontest.SubmissionPlan), func(t *transcript.Transcript) { t.TLS.NotAfter = sessiontest.Now.Add(10*24*time.Hour + time.Hour) }),
			plan: sessiontest.SubmissionPlan, expects: map[transcript.Stage]*Expect{transcript.TLS: {CertDaysMin: 30}},
			want: map[transcript.Stage]outcome{transcript.TLS: {status: transcript.Fail, reason: "expected certificate valid >= 30 more days, got 10"}}},
		{name: "certificate expired", t: sessiontest.With(sessiontest.AllPass(sessiontest.SubmissionPlan), func(t *transcript.Transcript) { t.TLS.NotAfter = sessiontest.Now.Add(-49 * time.Hour) }),
			plan: sessiontest.SubmissionPlan, expects: map[transcript.Stage]*Expect{transcript.TLS: {CertDaysMin: 1}},
			want: map[transcript.Stage]outcome{transcript.TLS: {status: transcript.Fail, reason: "expected certificate valid >= 1 more days, got a certificate that expired 2 days ago"}}},
		{name: "unverified certificate fails tls without an expectation", t: sessiontest.With(sessiontest.AllPass(sessiontest.SubmissionPlan), func(t *transcript.Transcript) {
			t.TLS.Verified, t.TLS.VerifyError = false, "x509: certificate signed by unknown authority"
		}), plan: sessiontest.SubmissionPlan,
			want: map[transcript.Stage]outcome{transcript.TLS: {status: transcript.Fail, reason: "certificate not verified: x509: certificate signed by unknown authority"}}},
		{name: "EHLO without STARTTLS passes with a note", t: sessiontest.With(sessiontest.AllPass(sessiontest.DirectPlan), sessiontest.NoSTARTTLS), plan: sessiontest.DirectPlan,
			want: map[transcript.Stage]outcome{transcript.EHLO: {status: transcript.Pass, reason: "STARTTLS not advertised"}, transcript.EHLOTLS: {status: transcript.Pass, reason: ""}}},
		{name: "masked banner passes with a note", t: sessiontest.With(sessiontest.AllPass(sessiontest.DirectPlan), sessiontest.SetBanner("220 ****************************")), plan: sessiontest.DirectPlan,
			want: map[transcript.Stage]outcome{transcript.Banner: {status: transcript.Pass, reason: "~the banner is masked"}}},
		{name: "empty expectation asks only that the stage ran", t: sessiontest.Session(sessiontest.DirectPlan, sessiontest.ErrAt(transcript.Banner, transcript.KindTimeout, "x")), plan: sessiontest.DirectPlan,
			expects: map[transcript.Stage]*Expect{transcript.EHLO: {}, transcript.Banner: {}},
			want: map[transcript.Stage]outcome{transcript.Banner: {status: transcript.Fail, reason: "timeout: x"},
				transcript.EHLO: {status: transcript.Fail, reason: "not reached: the probe stopped at banner (timeout: x)"}}},
		{name: "skipped stage with a note", t: sessiontest.With(sessiontest.AllPass(sessiontest.DirectPlan), func(t *transcript.Transcript) {
			for i, s := range t.Stages {
				if s.Stage == transcript.STARTTLS || s.Stage == transcript.TLS || s.Stage == transcript.EHLOTLS {
					t.Stages[i] = transcript.StageResult{Stage: s.Stage, Status: transcript.Skip, Note: "STARTTLS not advertised"}
				}
			}
		}), plan: sessiontest.DirectPlan, expects: map[transcript.Stage]*Expect{transcript.TLS: {VersionMin: "1.2"}},
			want: map[transcript.Stage]outcome{transcript.STARTTLS: {status: transcript.Skip}, transcript.TLS: {status: transcript.Fail, reason: "not reached: STARTTLS not advertised"},
				transcript.Rcpt: {status: transcript.Pass}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			seq := transcript.Sequence(tc.plan)
			got := Evaluate(tc.t, seq, tc.expects, sessiontest.Now)
			if len(got) != len(seq) {
				t.Fatalf("%d outcomes for %d stages", len(got), len(seq))
			}
			for i, o := range got {
				if o.Stage != seq[i] {
					t.Errorf("outcome %d is for %q, want %q", i, o.Stage, seq[i])
				}
				w, ok := tc.want[o.Stage]
				if !ok {
					continue
				}
				if o.Status != w.status || o.Expected != w.expected {
					t.Errorf("%s: status %s expected %v, want %s expected %v (reason %q)", o.Stage, o.Status, o.Expected, w.status, w.expected, o.Reason)
				}
				if phrase, ok := strings.CutPrefix(w.reason, "~"); ok {
					if !strings.Contains(o.Reason, phrase) {
						t.Errorf("%s: reason %q lacks %q", o.Stage, o.Reason, phrase)
					}
				} else if w.reason != "" || o.Status == transcript.Pass && !o.Expected {
					if o.Reason != w.reason {
						t.Errorf("%s: reason %q, want %q", o.Stage, o.Reason, w.reason)
					}
				}
			}
		})
	}
}

func TestTLSVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"1.2", 12, true}, {"TLS1.3", 13, true}, {"TLS 1.0", 10, true}, {"TLSv1.1", 11, true},
		{"SSLv3", 0, true}, {"2.0", 0, false}, {"", 0, false}, {"tls1.x", 0, false},
	} {
		got, ok := tlsVersion(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("tlsVersion(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
