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

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/internal/syncbuf"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// runAt is the injected clock of every CI report golden.
var runAt = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)

// testRun is the run every CI report golden describes.
var testRun = Run{Started: runAt, Host: "runner-1", Build: Build{Version: "v1.4.0", Commit: "0123456789ab", Go: "go1.26.0"}}

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
	verdicts := []diagnosis.Verdict{
		{Category: catalog.OK, Stage: "rcpt", Code: 250, Enhanced: "2.1.5", Finding: "Microsoft 365 accepted the envelope",
			Evidence: "250 2.1.5 Recipient OK"},
		{Category: catalog.AuthCat, Stage: "auth", Code: 535, Enhanced: "5.7.139", Step: 9,
			Finding:  "SMTP AUTH is disabled for the tenant",
			Evidence: "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
			Next:     "enable Authenticated SMTP for the mailbox: Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $false"},
		{Category: catalog.Reputation, Stage: "rcpt", Code: 550, Enhanced: "5.7.606", Step: 7,
			Finding:  "Microsoft 365 has the site's public IP on its block list",
			Evidence: "550 5.7.606 Access denied, banned sending IP [203.0.113.7].", Next: "delist the IP"},
		{Category: catalog.OK, Stage: "banner", Code: 220, Finding: "the relay answered", Evidence: "220 ready"},
	}
	for i, v := range verdicts {
		rs[i].Verdict = v
	}
	rs[1].Site.Expect = map[transcript.Stage]*checks.Expect{"auth": {Stage: "auth", Code: 235, Pos: checks.Pos{File: "specs/sites.hcl", Line: 34, Column: 3}}}
	rs[2].Pending = "golden/branch-banned.golden.new"
	rs[3].Pending = "golden/new-site.golden.new"
	rs[1].Warnings = []string{"basic authentication for SMTP AUTH stops working by default at the end of December 2026"}
	// A site that passes today and stops working this month: the finding
	// must be in every report although nothing failed.
	rs[0].Verdict.Findings = []diagnosis.Finding{{ID: diagnosis.BasicAuthRetirement, Severity: diagnosis.SevWarning,
		Text: "this site authenticates to Exchange Online with a password (AUTH LOGIN): basic authentication becomes disabled by default at the end of December 2026",
		Fix:  "move the device to OAuth (XOAUTH2)"}}
	rs[0].Transcript.Lines = append(rs[0].Transcript.Lines[:1:1], append([]transcript.Line{
		{Dir: transcript.Server, Stage: "ehlo", Text: "250-BY1PR10CA0041.outlook.office365.com Hello [203.0.113.7]"}},
		rs[0].Transcript.Lines[1:]...)...)
	broken := *rs[0]
	site := *rs[0].Site
	site.Name = "io-error"
	broken.Site = &site
	broken.Status = runner.StatusError
	broken.Verdict.Findings = nil
	broken.Err = errors.New("golden io-error: permission denied")
	return append(rs, &broken, interruptedResult())
}

// interruptedResult is a site the run's SIGTERM stopped during EHLO, as
// runner builds it.
func interruptedResult() *runner.Result {
	r := result("branch-stopped", transcript.DirectSend, runner.StatusInterrupted, []transcript.StageResult{
		pass("resolve", 0, ""), pass("connect", 0, ""), pass("banner", 220, ""),
		{Stage: "ehlo", Status: transcript.Skip, Note: "interrupted (SIGTERM)"},
		{Stage: "mail", Status: transcript.Skip}, {Stage: "rcpt", Status: transcript.Skip}, {Stage: "quit", Status: transcript.Skip},
	}, []transcript.Line{
		{Dir: transcript.Server, Stage: "banner", Text: "220 SN1NAM02FT049.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready"},
		{Dir: transcript.Client, Stage: "ehlo", Text: "EHLO mfp.contoso.com"},
	}, nil)
	r.Site.DeclRange = hcl.Range{Filename: "specs/sites.hcl", Start: hcl.Pos{Line: 101, Column: 1}}
	r.Transcript.Interrupted = "ehlo"
	for i := 3; i < len(r.Outcomes); i++ { // as runner marks them
		r.Outcomes[i].Reason = "not run: the run was interrupted"
	}
	err := &runner.InterruptedError{Stage: "ehlo", Cause: errors.New("SIGTERM")}
	r.Err = err
	r.Verdict = diagnosis.Verdict{Stage: "ehlo", Finding: err.Error(), Next: "run the site again: an interrupted probe says nothing about the mail path"}
	r.Warnings = []string{"TLS certificate verification is OFF for this site (endpoint insecure_skip_verify = true)"}
	return r
}

// TestJUnitStructure checks every element and attribute the JUnit readers
// of GitLab, Azure DevOps (PublishTestResults JUnit), Jenkins and the
// GitHub test-report actions use, against the Jenkins/Ant schema's rules:
// counts that add up, one testsuite per site, one testcase per stage plus
// the golden, failure messages with the evidence and the next action.
func TestJUnitStructure(t *testing.T) {
	var buf bytes.Buffer
	if err := (JUnit{Run: testRun}).Write(&buf, ciResults()); err != nil {
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
		warned := len(alarming(r)) > 0
		want := len(r.Outcomes) + 1
		if warned {
			want++
		}
		if len(s.Cases) != want || s.Cases[len(s.Cases)-1].Name != "golden" {
			t.Errorf("suite %s: %d testcases, want one per stage (%d), warnings (%v) and golden", s.Name, len(s.Cases), len(r.Outcomes), warned)
		}
		if warned {
			w := s.Cases[len(s.Cases)-2]
			if w.Name != "warnings" || w.Skipped == nil || w.Skipped.Message == "" || !strings.Contains(s.SystemErr, w.Skipped.Body) {
				t.Errorf("suite %s: warnings testcase %+v, system-err %q", s.Name, w, s.SystemErr)
			}
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
	// A passing site's basic-auth finding shows as a skipped testcase, in
	// system-err with its fix, and as a property.
	hq := doc.Suites[0]
	if w := hq.Cases[len(hq.Cases)-2]; w.Skipped == nil || !strings.HasPrefix(w.Skipped.Message, "warning: this site authenticates to Exchange Online with a password") {
		t.Errorf("hq-ok warnings testcase = %+v", w)
	}
	if !strings.Contains(hq.SystemErr, "  fix: move the device to OAuth") {
		t.Errorf("hq-ok system-err = %q", hq.SystemErr)
	}
	props := map[string]string{}
	for _, p := range hq.Properties {
		props[p.Name] = p.Value
	}
	if props["egress_ip"] != "203.0.113.7" || props["smtpspec"] != "v1.4.0 (commit 0123456789ab, go1.26.0)" || !strings.Contains(props["warning"], "December 2026") {
		t.Errorf("hq-ok properties = %v", props)
	}
	// The interrupted site: its golden testcase is an error naming the
	// signal, the stage it stopped in and later ones are skipped as such,
	// nothing is a failure.
	stopped := doc.Suites[len(doc.Suites)-1]
	if g := stopped.Cases[len(stopped.Cases)-1]; g.Error == nil || g.Error.Type != "interrupted" ||
		g.Error.Message != "interrupted during ehlo (SIGTERM): not judged" || !strings.Contains(g.Error.Body, "next: run the site again") {
		t.Errorf("interrupted golden testcase = %+v", g)
	}
	if stopped.Failures != 0 || stopped.Cases[3].Skipped == nil || stopped.Cases[3].Name != "ehlo" {
		t.Errorf("interrupted suite: %d failures, ehlo %+v", stopped.Failures, stopped.Cases[3])
	}
	// The expected rcpt failure of branch-banned is not a failure.
	if c := doc.Suites[2].Cases[5]; c.Name != "rcpt" || c.Failure != nil {
		t.Errorf("expected failure reported as failure: %+v", c)
	}
}

func TestMarkdownAndHTMLGoldens(t *testing.T) {
	g := goldie.New(t)
	var md, page bytes.Buffer
	if err := (MarkdownSummary{Run: testRun}).Write(&md, ciResults()); err != nil {
		t.Fatal(err)
	}
	g.Assert(t, "summary-markdown", md.Bytes())
	if err := (HTML{Run: testRun}).Write(&page, ciResults()); err != nil {
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
	if len(lines) != 8 { // every site but the pass, and each warning
		t.Fatalf("%d annotations:\n%s", len(lines), buf.String())
	}
	tests := []struct {
		i           int
		prefix, has string
	}{
		{0, "::warning file=specs/sites.hcl,line=1,title=smtpspec%3A site hq-ok warning::this site authenticates to Exchange Online with a password", "%0Afix: move the device to OAuth"},
		{1, "::error file=specs/sites.hcl,line=34,title=smtpspec%3A site branch-auth fail::auth at auth", "%0Aevidence: 535 5.7.139"},
		{2, "::warning file=specs/sites.hcl,line=34,title=smtpspec%3A site branch-auth warning::basic authentication for SMTP AUTH", "December 2026"},
		{3, "::error file=specs/sites.hcl,line=41,title=smtpspec%3A site branch-banned drift::transcript drifted", "pending golden: golden/branch-banned.golden.new"},
		{4, "::error file=specs/sites.hcl,line=61,title=smtpspec%3A site new-site new::no golden yet", "smtpspec review"},
		{5, "::error file=specs/sites.hcl,line=1,title=smtpspec%3A site io-error error::could not be judged", "permission denied"},
		{6, "::warning file=specs/sites.hcl,line=101,title=smtpspec%3A site branch-stopped interrupted::interrupted during ehlo (SIGTERM): not judged", "%0Anext: run the site again"},
		{7, "::warning file=specs/sites.hcl,line=101,title=smtpspec%3A site branch-stopped warning::TLS certificate verification is OFF", ""},
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
