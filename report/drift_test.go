package report

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
)

// refusal is a normalised 700-character STOREDRV line, as a golden holds
// it: a change of its enhanced code alone is far from a line's end but
// easy to miss in two long lines, and a change at its end is off screen.
var refusal = "S: 554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message. <DIAG>" +
	strings.Repeat(" [Hostname=<HOST>]", 25)

// longDriftResult is a site whose golden changed in that line's enhanced
// code and, at the far end, in its last word; and in the result line.
func longDriftResult() *runner.Result {
	r := sampleResults()[2]
	old := "# h\nC: DATA\n" + refusal + " tail-old\n= data fail 554 5.2.0\n"
	now := "# h\nC: DATA\n" + strings.Replace(refusal, "554 5.2.0", "554 5.2.252", 1) + " tail-new\n= data fail 554 5.2.252\n"
	r.Drift = golden.Compare([]byte(old), []byte(now))
	r.Status = runner.StatusDrift
	r.GoldenPath = "golden/branch-banned.golden"
	return r
}

// TestDriftShowsTheChangedWords: every report format shows what changed
// in a long line, not only that it changed: the human report, Markdown
// and JUnit list each changed line in words, cut around the change; HTML
// marks the words in the diff.
func TestDriftShowsTheChangedWords(t *testing.T) {
	results := []*runner.Result{longDriftResult()}
	var human, md, junit, page bytes.Buffer
	if err := (Human{}).Write(&human, results); err != nil {
		t.Fatal(err)
	}
	if err := (MarkdownSummary{Run: Run{Started: runAt}}).Write(&md, results); err != nil {
		t.Fatal(err)
	}
	if err := (JUnit{Run: Run{Started: runAt}}).Write(&junit, results); err != nil {
		t.Fatal(err)
	}
	if err := (HTML{Run: Run{Started: runAt}}).Write(&page, results); err != nil {
		t.Fatal(err)
	}
	// The 700-character line's two changes in one short line, and the
	// result line's.
	line3 := regexp.MustCompile("golden line 3: `?" + `S: 554 \[-5\.2\.0-\]\{\+5\.2\.252\+\} STOREDRV\S*….*\[-tail-old-\]\{\+tail-new\+\}`)
	line4 := "golden line 4: = data fail 554 [-5.2.0-]{+5.2.252+}"
	for name, out := range map[string]string{"human": human.String(), "markdown": md.String()} {
		m := line3.FindString(out)
		if m == "" || len(m) > 120 {
			t.Errorf("%s report: changed line 3 = %q, want both changes within 120 characters:\n%s", name, m, out)
		}
		if !strings.Contains(out, strings.Replace(line4, ": = ", ": ", 1)[:14]) || !strings.Contains(out, "[-5.2.0-]{+5.2.252+}") {
			t.Errorf("%s report lacks %q", name, line4)
		}
	}
	if !strings.Contains(human.String(), line4) || !strings.Contains(md.String(), "- golden line 4: `= data fail 554 [-5.2.0-]{+5.2.252+}`") {
		t.Errorf("line 4 missing:\n%s\n%s", human.String(), md.String())
	}
	var doc junitSuites
	if err := xml.Unmarshal(junit.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	golden := doc.Suites[0].Cases[len(doc.Suites[0].Cases)-1]
	if f := golden.Failure; f == nil || !strings.Contains(f.Message, "data changed; golden line 3: S: 554 [-5.2.0-]{+5.2.252+}") ||
		!strings.Contains(f.Message, "[-tail-old-]{+tail-new+} (and 1 more changed line(s))") || len(f.Message) > 250 ||
		!line3.MatchString(f.Body) || !strings.Contains(f.Body, line4) || !strings.Contains(f.Body, "@@ -1,4 +1,4 @@") {
		t.Errorf("junit golden failure: %+v", golden.Failure)
	}
	for _, m := range []string{"<mark>5.2.0</mark>", "<mark>5.2.252</mark>", "<mark>tail-old</mark>", "<mark>tail-new</mark>"} {
		if !strings.Contains(page.String(), m) {
			t.Errorf("html lacks %s", m)
		}
	}
	// Colour marks the changed words in the diff lines themselves.
	var color bytes.Buffer
	if err := (Human{Color: true}).Write(&color, results); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(color.String(), "554 "+reverse+"5.2.252"+noReverse+" STOREDRV") {
		t.Errorf("colour report does not mark the changed words")
	}
}
