package forecast

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/chromium"
	"github.com/smtpspec/smtpspec/report"
)

// boardProbe runs in the page: it counts what a reader sees (matrix rows
// and cells by outcome, rendered visibly) and records the first row, in
// attributes --dump-dom keeps, and any script error.
const boardProbe = `<script>
window.addEventListener("error", function (e) { document.documentElement.setAttribute("data-errors", e.message); }, true);
window.addEventListener("load", function () {
  var root = document.documentElement, rows = document.querySelectorAll("#matrix tbody tr"), seen = {};
  rows.forEach(function (r) {
    r.querySelectorAll("td.cell").forEach(function (c) {
      if (c.getBoundingClientRect().width > 0) { var k = c.className.replace("cell ", ""); seen[k] = (seen[k] || 0) + 1; }
    });
  });
  root.setAttribute("data-rows", rows.length);
  root.setAttribute("data-first", rows.length ? rows[0].getAttribute("data-site") : "");
  root.setAttribute("data-breaks", seen["breaks"] || 0);
  root.setAttribute("data-unknown", seen["unknown"] || 0);
  root.setAttribute("data-sections", document.querySelectorAll("section.site").length);
});
</script>`

// TestBoardInChromium opens the fleet board in headless Chromium as an
// MSP would: it renders offline (no resource outside the page, no
// error), one matrix row per site with the sites broken today first, the
// BREAKS and unknown cells as the forecast counts them, a section for
// every site that needs work; a screenshot is kept as a test artifact.
func TestBoardInChromium(t *testing.T) {
	bin := chromium.Need(t)
	fc := forecastFleet(t)
	var page bytes.Buffer
	if err := WriteHTML(&page, fc, report.Run{Started: time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC), Host: "msp-laptop"}); err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).Match(page.Bytes()) {
		t.Error("the board loads something from outside the page")
	}
	path := filepath.Join(t.TempDir(), "board.html")
	src := strings.Replace(page.String(), "</body>", boardProbe+"\n</body>", 1)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, stderr := chromium.Browse(t, bin, path, "--dump-dom")
	attr := func(name string) string {
		m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("the probe did not run: no %s in the DOM\n%s", name, stderr)
		}
		return m[1]
	}
	if e := regexp.MustCompile(`data-errors="([^"]*)"`).FindStringSubmatch(dom); e != nil {
		t.Errorf("script error: %s", e[1])
	}
	b := NewBoard(fc)
	breaks, unknown, needsWork := 0, 0, 0
	for _, n := range b.PerChange {
		breaks, unknown = breaks+n.Breaks, unknown+n.Unknown
	}
	for _, s := range fc.Sites {
		if worst(s) != Survives || !s.Today.Works() {
			needsWork++
		}
	}
	for name, want := range map[string]string{
		"data-rows": itoa(len(fc.Sites)), "data-first": b.Sites[0].Name, "data-breaks": itoa(breaks),
		"data-unknown": itoa(unknown), "data-sections": itoa(needsWork),
	} {
		if got := attr(name); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	shot := chromium.Screenshot(t, bin, page.Bytes(), "forecast-board.png", "1400,2600")
	t.Logf("screenshot: %s", shot)
}

func itoa(n int) string { return strconv.Itoa(n) }
