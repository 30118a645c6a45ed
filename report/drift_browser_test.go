package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/runner"
)

// markProbe runs after the page is laid out and records, in an attribute
// --dump-dom shows, how many of the diff's <mark>s lie within the window
// and how many there are.
const markProbe = `<script>
(function () {
  var marks = document.querySelectorAll("pre.diff mark"), inView = 0;
  marks.forEach(function (m) { var r = m.getBoundingClientRect(); if (r.width > 0 && r.right <= window.innerWidth) { inView++; } });
  document.documentElement.setAttribute("data-marks", inView + "/" + marks.length);
})();
</script>`

var marksSeen = regexp.MustCompile(`data-marks="(\d+)/(\d+)"`)

// marksInView loads page in headless Chromium (its default window is 800
// pixels wide) and returns "in view/all".
func marksInView(t *testing.T, bin string, page string) string {
	t.Helper()
	page = strings.Replace(page, "</body>", markProbe+"\n</body>", 1)
	dom, errs := loadPage(t, bin, []byte(page))
	if len(errs) > 0 {
		t.Fatalf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	m := marksSeen.FindStringSubmatch(dom)
	if m == nil {
		t.Fatal("the mark probe did not run")
	}
	return m[1] + "/" + m[2]
}

// TestHTMLDriftMarksInView opens a report whose drift is in a
// 700-character line, at its start and at its end, in that window:
// every marked word is inside the window (the diff wraps), and, as the
// control, with the diff's lines left unwrapped the mark at the end is not.
func TestHTMLDriftMarksInView(t *testing.T) {
	bin := chromium(t)
	var page bytes.Buffer
	if err := (HTML{Run: Run{Started: runAt}}).Write(&page, []*runner.Result{longDriftResult()}); err != nil {
		t.Fatal(err)
	}
	sized := strings.Replace(page.String(), "<head>", `<head><style>body { max-width: 860px; }</style>`, 1)
	if got := marksInView(t, bin, sized); got != "6/6" {
		t.Errorf("marks in view: %s, want 6/6", got)
	}
	unwrapped := strings.Replace(sized, "pre.diff { white-space: pre-wrap; overflow-wrap: anywhere; }", "", 1)
	if got := marksInView(t, bin, unwrapped); got == "6/6" {
		t.Errorf("control: without wrapping all marks are still in view (%s): the probe proves nothing", got)
	}
}
