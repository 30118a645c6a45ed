package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/sebdah/goldie/v2"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/internal/syncbuf"
	"github.com/smtpspec/smtpspec/runner"
)

// runAt is the injected clock of every CI report golden.
var runAt = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)

// ciResults is sampleResults with what the CI reports also read: where
// each site is declared, an expectation's line, a pending golden, a
// warning, and a site whose golden could not be read.
func ciResults() []*runner.Result {
	rs := sampleResults()
	for i, r := range rs {
		r.Site.DeclRange = hcl.Range{Filename: "specs/sites.hcl", Start: hcl.Pos{Line: 1 + 20*i, Column: 1}}
		r.Transcript.Duration = 0
		for _, st := range r.Transcript.Stages {
			r.Transcript.Duration += st.Duration
		}
	}
	// Fixed verdicts: these tests are about the reports, not the diagnosis,
	// whose wording evolves in package checks.
	verdicts := []checks.Verdict{
		{Category: checks.OK, Stage: "rcpt", Code: 250, Enhanced: "2.1.5", Summary: "Microsoft 365 accepted the envelope",
			Evidence: "250 2.1.5 Recipient OK"},
		{Category: checks.AuthCat, Stage: "auth", Code: 535, Enhanced: "5.7.139", Step: 9,
			Summary:  "SMTP AUTH is disabled for the tenant",
			Evidence: "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
			Next:     "enable Authenticated SMTP for the mailbox: Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $false"},
		{Category: checks.Reputation, Stage: "rcpt", Code: 550, Enhanced: "5.7.606", Step: 7,
			Summary:  "Microsoft 365 has the site's public IP on its block list",
			Evidence: "550 5.7.606 Access denied, banned sending IP [203.0.113.7].", Next: "delist the IP"},
		{Category: checks.OK, Stage: "banner", Code: 220, Summary: "the relay answered", Evidence: "220 ready"},
	}
	for i, v := range verdicts {
		rs[i].Verdict = v
	}
	rs[1].Site.Expect = map[string]*checks.Expect{"auth": {Stage: "auth", Code: 235, Pos: checks.Pos{File: "specs/sites.hcl", Line: 34, Column: 3}}}
	rs[2].Pending = "golden/branch-banned.golden.new"
	rs[3].Pending = "golden/new-site.golden.new"
	rs[1].Warnings = []string{"basic authentication for SMTP AUTH stops working by default at the end of December 2026"}
	broken := *rs[0]
	site := *rs[0].Site
	site.Name = "io-error"
	broken.Site = &site
	broken.Status = runner.StatusError
	broken.Err = errors.New("golden io-error: permission denied")
	return append(rs, &broken)
}

// TestJUnitStructure checks every element and attribute the JUnit readers
// of GitLab, Azure DevOps (PublishTestResults JUnit), Jenkins and the
// GitHub test-report actions use, against the Jenkins/Ant schema's rules:
// counts that add up, one testsuite per site, one testcase per stage plus
// the golden, failure messages with the evidence and the next action.
func TestJUnitStructure(t *testing.T) {
	var buf bytes.Buffer
	if err := (JUnit{Now: runAt, Hostname: "runner-1"}).Write(&buf, ciResults()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Error("no XML declaration")
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	results := ciResults()
	if len(doc.Suites) != len(results) {
		t.Fatalf("%d testsuites for %d sites", len(doc.Suites), len(results))
	}
	var tests, failures, errs, skipped int
	for i, s := range doc.Suites {
		r := results[i]
		if s.Name != r.Site.Name || s.Hostname != "runner-1" || s.Timestamp != "2026-11-28T09:30:00" || s.ID != i {
			t.Errorf("suite %d header: %+v", i, s)
		}
		if _, err := strconv.ParseFloat(s.Time, 64); err != nil {
			t.Errorf("suite %s time %q", s.Name, s.Time)
		}
		if len(s.Cases) != len(r.Outcomes)+1 || s.Cases[len(s.Cases)-1].Name != "golden" {
			t.Errorf("suite %s: %d testcases, want one per stage (%d) and golden", s.Name, len(s.Cases), len(r.Outcomes))
		}
		var f, e, sk int
		for _, c := range s.Cases {
			if c.Classname != s.Name || c.Name == "" || c.File != "specs/sites.hcl" {
				t.Errorf("suite %s: testcase %+v", s.Name, c)
			}
			if _, err := strconv.ParseFloat(c.Time, 64); err != nil {
				t.Errorf("testcase time %q", c.Time)
			}
			n := 0
			if c.Failure != nil {
				f, n = f+1, n+1
				if c.Failure.Message == "" || c.Failure.Type == "" {
					t.Errorf("failure without message or type: %+v", c.Failure)
				}
			}
			if c.Error != nil {
				e, n = e+1, n+1
			}
			if c.Skipped != nil {
				sk, n = sk+1, n+1
			}
			if n > 1 {
				t.Errorf("testcase %s/%s has %d results", s.Name, c.Name, n)
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s counts tests=%d failures=%d errors=%d skipped=%d, counted %d %d %d %d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		tests, failures, errs, skipped = tests+s.Tests, failures+f, errs+e, skipped+sk
		if s.SystemOut != string(r.Golden) {
			t.Errorf("suite %s: system-out is not the transcript", s.Name)
		}
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Errors != errs || doc.Skipped != skipped {
		t.Errorf("testsuites counts %d/%d/%d/%d, suites add up to %d/%d/%d/%d",
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped, tests, failures, errs, skipped)
	}
	// The failing auth stage carries the evidence line and the next action.
	auth := doc.Suites[1].Cases[4]
	if auth.Name != "auth" || auth.Failure == nil || auth.Failure.Type != "auth" ||
		!strings.Contains(auth.Failure.Body, "evidence: 535 5.7.139 Authentication unsuccessful") ||
		!strings.Contains(auth.Failure.Body, "next: ") {
		t.Errorf("auth testcase = %+v", auth)
	}
	if sk := doc.Suites[1].Cases[5]; sk.Skipped == nil {
		t.Errorf("a stage not reached must be skipped: %+v", sk)
	}
	drift := doc.Suites[2].Cases[len(doc.Suites[2].Cases)-1]
	if drift.Failure == nil || drift.Failure.Type != "drift" || !strings.Contains(drift.Failure.Body, "+= rcpt fail 550 5.7.606") ||
		!strings.Contains(drift.Failure.Body, "golden/branch-banned.golden.new") {
		t.Errorf("drift testcase = %+v", drift)
	}
	if e := doc.Suites[4].Cases[len(doc.Suites[4].Cases)-1]; e.Error == nil || !strings.Contains(e.Error.Message, "permission denied") {
		t.Errorf("error testcase = %+v", e)
	}
	// The expected rcpt failure of branch-banned is not a failure.
	if c := doc.Suites[2].Cases[5]; c.Name != "rcpt" || c.Failure != nil {
		t.Errorf("expected failure reported as failure: %+v", c)
	}
}

func TestMarkdownAndHTMLGoldens(t *testing.T) {
	g := goldie.New(t)
	var md, page bytes.Buffer
	if err := (MarkdownSummary{Now: runAt}).Write(&md, ciResults()); err != nil {
		t.Fatal(err)
	}
	g.Assert(t, "summary-markdown", md.Bytes())
	if err := (HTML{Now: runAt}).Write(&page, ciResults()); err != nil {
		t.Fatal(err)
	}
	g.Assert(t, "report-html", page.Bytes())
	for _, bad := range []string{"<link", "src=\"http", "url(http", "@import"} {
		if strings.Contains(page.String(), bad) {
			t.Errorf("the page is not self-contained: it has %q", bad)
		}
	}
}

func TestGitHubAnnotations(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGitHubAnnotations(&buf, ciResults()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 4 { // every site but the pass
		t.Fatalf("%d annotations:\n%s", len(lines), buf.String())
	}
	tests := []struct {
		i           int
		prefix, has string
	}{
		{0, "::error file=specs/sites.hcl,line=34,title=smtpspec%3A site branch-auth fail::auth at auth", "%0Aevidence: 535 5.7.139"},
		{1, "::error file=specs/sites.hcl,line=41,title=smtpspec%3A site branch-banned drift::transcript drifted", "pending golden: golden/branch-banned.golden.new"},
		{2, "::error file=specs/sites.hcl,line=61,title=smtpspec%3A site new-site new::no golden yet", "smtpspec review"},
		{3, "::error file=specs/sites.hcl,line=1,title=smtpspec%3A site io-error error::could not be judged", "permission denied"},
	}
	for _, tt := range tests {
		if l := lines[tt.i]; !strings.HasPrefix(l, tt.prefix) || !strings.Contains(l, tt.has) {
			t.Errorf("annotation %d = %q\nwant prefix %q and %q", tt.i, l, tt.prefix, tt.has)
		}
	}
	if got := escapeData("50% done\r\nok"); got != "50%25 done%0D%0Aok" {
		t.Errorf("escapeData = %q", got)
	}
}

func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, 2, false)
	rs := ciResults()
	p.Stage("hq-ok", "banner")
	p.Done(rs[0])
	p.Done(rs[1])
	p.Finish()
	want := "[1/2] pass  hq-ok: " + rs[0].Verdict.Line() + "\n[2/2] fail  branch-auth: " + rs[1].Verdict.Line() + "\n"
	if buf.String() != want {
		t.Errorf("plain progress:\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestProgressLive(t *testing.T) {
	var buf syncbuf.Buffer
	p := NewProgress(&buf, 1, true)
	p.Stage("hq-ok", "ehlo")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "hq-ok") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	p.Done(ciResults()[0])
	p.Finish()
	out := buf.String()
	for _, want := range []string{"0/1 sites done, 1 running", "hq-ok", "ehlo", "\x1b[1A\x1b[2K"} {
		if !strings.Contains(out, want) {
			t.Errorf("live progress lacks %q: %q", want, out)
		}
	}
	if strings.Contains(out, "[1/1]") {
		t.Error("live progress wrote plain lines")
	}

}
