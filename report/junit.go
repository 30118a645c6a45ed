package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

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
type JUnit struct {
	Now      time.Time // the run's timestamp (injected for tests)
	Hostname string    // the runner's host name, "" = "smtpspec"
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
	host := j.Hostname
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
		Timestamp: j.Now.UTC().Format("2006-01-02T15:04:05"), Hostname: host,
		Properties: []junitProperty{
			{"method", string(r.Site.Method)},
			{"status", string(r.Status)},
			{"category", string(r.Verdict.Category)},
			{"spec", fmt.Sprintf("%s:%d", r.Site.DeclRange.Filename, r.Site.DeclRange.Start.Line)},
			{"golden", r.GoldenPath},
		},
		SystemOut: string(r.Golden),
		SystemErr: strings.Join(r.Warnings, "\n"),
	}
	for _, row := range stageRows(r) {
		c := junitCase{Name: row.Name, Classname: r.Site.Name, Time: fmt.Sprintf("%.3f", row.MS/1000), File: file}
		switch row.Status {
		case string(transcript.Fail):
			c.Failure = &junitProblem{Message: row.Name + ": " + row.Reason, Type: string(r.Verdict.Category),
				Body: stageFailure(r, row)}
			s.Failures++
		case string(transcript.Skip):
			c.Skipped = &junitSkipped{Message: "not reached: an earlier stage ended the session"}
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	s.Cases = append(s.Cases, goldenCase(r, file, &s))
	s.Tests = len(s.Cases)
	return s
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
	case r.Status == runner.StatusError:
		c.Error = &junitProblem{Message: fmt.Sprint(r.Err), Type: "error", Body: fmt.Sprint(r.Err)}
		s.Errors++
	case r.Drift != nil:
		c.Failure = &junitProblem{
			Message: "transcript differs from " + r.GoldenPath + ": " + strings.Join(r.Drift.Stages, ", ") + " changed",
			Type:    "drift", Body: r.Drift.Diff + review,
		}
		s.Failures++
	case r.Status == runner.StatusNew:
		c.Failure = &junitProblem{Message: "no golden at " + r.GoldenPath, Type: "new",
			Body: "no golden yet: review this run's transcript (system-out) before accepting it" + review}
		s.Failures++
	}
	return c
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
