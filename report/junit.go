package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// JUnit writes the report CI systems display as test results: one
// testsuite per site, one testcase per stage plus a "golden" testcase for
// the transcript comparison. It follows the Jenkins/Ant JUnit XML schema
// (properties, system-out and system-err present; skipped for stages not
// reached) that GitLab, Azure DevOps, Jenkins and the GitHub test-report
// actions all read; testcase carries GitLab's file attribute so a failure
// links to the spec.
//
// Warnings and findings are in each site's system-err and, because most
// CI pages show only testcases that did not pass, in a "warnings"
// testcase marked skipped whose message is the first of them: visible on
// a passing site without failing it. An interrupted site's golden
// testcase is an error (the site was not judged) and its stages from the
// interrupted one on are skipped.
type JUnit struct {
	Run Run // the run's start (the timestamp), host ("" = "smtpspec") and build
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr"`
	ID         int             `xml:"id,attr"`
	Package    string          `xml:"package,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out"`
	SystemErr  string          `xml:"system-err"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

// Write writes the JUnit XML document for results.
func (j JUnit) Write(w io.Writer, results []*runner.Result) error {
	doc := j.build(results)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (j JUnit) build(results []*runner.Result) junitSuites {
	host := j.Run.Host
	if host == "" {
		host = "smtpspec"
	}
	doc := junitSuites{Name: "smtpspec"}
	var total time.Duration
	for i, r := range results {
		s := j.suite(r, i, host)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		total += r.Transcript.Duration
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(total)
	return doc
}

// suite is one site: its stages as testcases, the golden comparison as
// the last one, the normalised transcript as system-out.
func (j JUnit) suite(r *runner.Result, id int, host string) junitSuite {
	file, _ := SpecLine(r)
	s := junitSuite{
		Name: r.Site.Name, Time: seconds(r.Transcript.Duration), ID: id, Package: "smtpspec",
		Timestamp: j.Run.Started.UTC().Format("2006-01-02T15:04:05"), Hostname: host,
		Properties: j.properties(r),
		SystemOut:  string(r.Golden),
		SystemErr:  noticeText(notices(r)),
	}
	for _, row := range stageRows(r) {
		c := junitCase{Name: string(row.Name), Classname: r.Site.Name, Time: fmt.Sprintf("%.3f", row.MS/1000), File: file}
		switch row.Status {
		case string(transcript.Fail):
			c.Failure = &junitProblem{Message: string(row.Name) + ": " + row.Reason, Type: string(r.Verdict.Category),
				Body: stageFailure(r, row)}
			s.Failures++
		case string(transcript.Skip):
			msg := row.Reason
			if msg == "" {
				msg = "not reached: an earlier stage ended the session"
			}
			c.Skipped = &junitSkipped{Message: msg}
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	if c, ok := warningsCase(r, file); ok {
		s.Cases = append(s.Cases, c)
		s.Skipped++
	}
	s.Cases = append(s.Cases, goldenCase(r, file, &s))
	s.Tests = len(s.Cases)
	return s
}

// properties are the site's facts as testsuite properties.
func (j JUnit) properties(r *runner.Result) []junitProperty {
	ps := []junitProperty{
		{"method", string(r.Site.Method)},
		{"status", string(r.Status)},
		{"category", string(r.Verdict.Category)},
		{"spec", fmt.Sprintf("%s:%d", r.Site.DeclRange.Filename, r.Site.DeclRange.Start.Line)},
		{"golden", r.GoldenPath},
	}
	if ip := runner.EgressIP(r.Transcript); ip != "" {
		ps = append(ps, junitProperty{"egress_ip", ip})
	}
	if b := j.Run.Build.String(); b != "" {
		ps = append(ps, junitProperty{"smtpspec", b})
	}
	for _, n := range alarming(r) {
		ps = append(ps, junitProperty{string(n.Severity), n.Text})
	}
	return ps
}

// warningsCase is the testcase that carries the site's warnings and
// findings that need action, skipped so that it shows without failing;
// false when there are none.
func warningsCase(r *runner.Result, file string) (junitCase, bool) {
	ns := alarming(r)
	if len(ns) == 0 {
		return junitCase{}, false
	}
	msg := string(ns[0].Severity) + ": " + ns[0].Text
	if len(ns) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(ns)-1)
	}
	return junitCase{Name: "warnings", Classname: r.Site.Name, Time: "0.000", File: file,
		Skipped: &junitSkipped{Message: msg, Body: noticeText(ns)}}, true
}

// noticeText lists notices one per line, each fix indented below it.
func noticeText(ns []diagnosis.Finding) string {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&b, "%s: %s\n", n.Severity, n.Text)
		if n.Fix != "" {
			fmt.Fprintf(&b, "  fix: %s\n", n.Fix)
		}
	}
	return b.String()
}

// stageFailure is a failed stage's message body: the evidence line, the
// verdict and the next action, what a technician needs from a CI page.
func stageFailure(r *runner.Result, row stageRow) string {
	var b strings.Builder
	if row.Evidence != "" {
		fmt.Fprintf(&b, "evidence: %s\n", row.Evidence)
	}
	if r.Verdict.Stage == row.Name || r.Verdict.Stage == "" {
		fmt.Fprintf(&b, "verdict: %s\n", r.Verdict.Line())
		if r.Verdict.Next != "" {
			fmt.Fprintf(&b, "next: %s\n", r.Verdict.Next)
		}
	}
	return b.String()
}

// goldenCase is the transcript comparison as a testcase.
func goldenCase(r *runner.Result, file string, s *junitSuite) junitCase {
	c := junitCase{Name: "golden", Classname: r.Site.Name, Time: "0.000", File: file}
	review := ""
	if cmd := AcceptCommand(r); cmd != "" {
		review = fmt.Sprintf("\npending golden: %s\naccept with: %s", r.Pending, cmd)
	}
	switch {
	case r.Status == runner.StatusInterrupted:
		c.Error = &junitProblem{Message: fmt.Sprint(r.Err), Type: "interrupted", Body: Problem(r)}
		s.Errors++
	case r.Status == runner.StatusError:
		c.Error = &junitProblem{Message: fmt.Sprint(r.Err), Type: "error", Body: fmt.Sprint(r.Err)}
		s.Errors++
	case r.Drift != nil:
		// The message names the first changed line's difference (CI pages
		// list messages, cut); the body has every one, then the diff.
		msg := "transcript differs from " + r.GoldenPath + ": " + transcript.JoinStages(r.Drift.Stages, ", ") + " changed"
		if first := firstChange(r.Drift); first != "" {
			msg += "; " + first
		}
		body := ""
		if cs := changeLines(r.Drift); len(cs) > 0 {
			body = strings.Join(cs, "\n") + "\n\n"
		}
		c.Failure = &junitProblem{Message: msg, Type: "drift", Body: body + r.Drift.Diff + review}
		s.Failures++
	case r.Status == runner.StatusNew:
		c.Failure = &junitProblem{Message: "no golden at " + r.GoldenPath, Type: "new",
			Body: "no golden yet: review this run's transcript (system-out) before accepting it" + review}
		s.Failures++
	}
	return c
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
