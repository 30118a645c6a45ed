package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	chromiumpkg "github.com/smtpspec/smtpspec/internal/chromium"
)

// chromium and browse are internal/chromium's, under the names the
// tests here use.
func chromium(t *testing.T) string { return chromiumpkg.Need(t) }

func browse(t *testing.T, bin, page string, extra ...string) (stdout, stderr string) {
	return chromiumpkg.Browse(t, bin, page, extra...)
}

// errorProbe is put first in the page under test: it records uncaught
// errors and console.error calls in an attribute that --dump-dom shows.
const errorProbe = `<script>
(function () {
  var errs = [];
  function note(m) { errs.push(String(m)); document.documentElement.setAttribute("data-errors", errs.join(" | ")); }
  window.addEventListener("error", function (e) { note(e.message || "resource failed to load"); }, true);
  var orig = console.error;
  console.error = function () { note(Array.prototype.join.call(arguments, " ")); orig.apply(console, arguments); };
})();
</script>`

// consoleErrors finds console errors chromium logged on stderr.
var consoleErrors = regexp.MustCompile(`(?m)^.*(?:CONSOLE.*(?:Uncaught|Error|Refused)|:ERROR:CONSOLE).*$`)

// loadPage writes page with the error probe and returns the DOM after
// scripts ran, and the errors found.
func loadPage(t *testing.T, bin string, page []byte) (dom string, errs []string) {
	t.Helper()
	src := strings.Replace(string(page), "<head>", "<head>\n"+errorProbe, 1)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, stderr := browse(t, bin, path, "--dump-dom")
	if m := regexp.MustCompile(`data-errors="([^"]*)"`).FindStringSubmatch(dom); m != nil {
		errs = append(errs, m[1])
	}
	errs = append(errs, consoleErrors.FindAllString(stderr, -1)...)
	return dom, errs
}

// TestHTMLInChromium opens the report in headless Chromium: no console
// error, the page's script ran, every site has its waterfall with a bar
// per stage reached, and a screenshot is kept as a test artifact.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	results := ciResults()
	var page bytes.Buffer
	if err := (HTML{Run: testRun}).Write(&page, results); err != nil {
		t.Fatal(err)
	}
	dom, errs := loadPage(t, bin, page.Bytes())
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	if !strings.Contains(dom, `data-ready="`+strconv.Itoa(len(results))+`"`) {
		t.Errorf("the page's script did not run or found the wrong number of waterfalls")
	}
	for _, r := range results {
		re := regexp.MustCompile(`(?s)<svg class="waterfall" data-site="` + regexp.QuoteMeta(r.Site.Name) + `".*?</svg>`)
		svg := re.FindString(dom)
		if svg == "" {
			t.Errorf("no waterfall for site %s", r.Site.Name)
			continue
		}
		reached := 0
		for _, row := range stageRows(r) {
			if row.Status != "skip" {
				reached++
			}
		}
		if n := strings.Count(svg, "<rect"); n != reached {
			t.Errorf("site %s: %d bars, want %d (one per stage reached)", r.Site.Name, n, reached)
		}
	}

	shot := chromiumpkg.Screenshot(t, bin, page.Bytes(), "report-html.png", "1280,2400")
	t.Logf("screenshot: %s", shot)
}

// filterProbe runs after the page's own script: it reads which notices
// are rendered visibly, clicks the "interrupted" filter, and records what
// is shown then, in attributes --dump-dom keeps.
const filterProbe = `<script>
(function () {
  var root = document.documentElement;
  var shown = [];
  document.querySelectorAll("dd.notice").forEach(function (d) {
    var st = getComputedStyle(d);
    if (st.display !== "none" && st.visibility !== "hidden" && d.getBoundingClientRect().height > 0) {
      shown.push(d.closest("section").id + "=" + d.getAttribute("data-severity"));
    }
  });
  root.setAttribute("data-notices", shown.join(" "));
  document.querySelector('nav button[data-filter="interrupted"]').click();
  var visible = [];
  document.querySelectorAll("section.site").forEach(function (s) {
    if (getComputedStyle(s).display !== "none") { visible.push(s.id); }
  });
  root.setAttribute("data-visible", visible.join(" "));
  var badge = document.querySelector("#site-branch-stopped .badge");
  root.setAttribute("data-badge", getComputedStyle(badge).backgroundColor);
})();
</script>`

// TestHTMLInterruptedAndNotices: in Chromium, every site's warnings and
// findings are on the page (the passing site's basic-auth warning too),
// the interrupted site has its own badge colour, and the status filter
// shows only it.
func TestHTMLInterruptedAndNotices(t *testing.T) {
	bin := chromium(t)
	var page bytes.Buffer
	if err := (HTML{Run: testRun}).Write(&page, ciResults()); err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(page.String(), "</body>", filterProbe+"\n</body>", 1)
	dom, errs := loadPage(t, bin, []byte(src))
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	attr := func(name string) string {
		m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("the probe did not run: no %s in the DOM", name)
		}
		return m[1]
	}
	want := "site-hq-ok=warning site-branch-auth=warning site-branch-stopped=warning"
	if got := attr("data-notices"); got != want {
		t.Errorf("visible notices %q, want %q", got, want)
	}
	if got := attr("data-visible"); got != "site-branch-stopped" {
		t.Errorf("the interrupted filter shows %q, want only site-branch-stopped", got)
	}
	if got := attr("data-badge"); got != "rgb(89, 99, 110)" {
		t.Errorf("interrupted badge colour %q, want the grey of an unjudged site", got)
	}
	for _, want := range []string{"The run was interrupted", "interrupted here", "not written or compared"} {
		if !strings.Contains(dom, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestChromiumCatchesErrors is the control: a page with a broken script
// must be reported, or TestHTMLInChromium proves nothing.
func TestChromiumCatchesErrors(t *testing.T) {
	bin := chromium(t)
	page := "<!DOCTYPE html><html><head><title>x</title></head><body><script>noSuchFunction();</script></body></html>"
	if _, errs := loadPage(t, bin, []byte(page)); len(errs) == 0 {
		t.Fatal("a ReferenceError went unnoticed")
	}
}
