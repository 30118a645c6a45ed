package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLIInput is runCLI with stdin.
func runCLIInput(t *testing.T, getenv func(string) string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestReviewFlow walks the CI cycle end to end: in CI a new site writes
// only <name>.golden.new; review accepts it; the next run is clean; the
// server changes, the run drifts, writes the pending golden (not the
// golden, even with GOLDIE_UPDATE set), the reports and the annotations
// say so; an interactive review accepts; the run is clean again.
func TestReviewFlow(t *testing.T) {
	dir := t.TempDir()
	gdir := filepath.Join(dir, "golden")
	golden, pending := filepath.Join(gdir, "branch.golden"), filepath.Join(gdir, "branch.golden.new")
	addr, ca := startScenario(t, "directsend-ok")
	spec := writeSpec(t, dir, "branch", "direct_send", addr, ca, "starttls", "")
	ci := testGetenv(map[string]string{"CI": "true"})

	code, out, errs := runCLI(t, ci, "run", "--golden", gdir, spec)
	if code != exitFail || !strings.Contains(out, "NEW") || exists(golden) || !exists(pending) {
		t.Fatalf("new site in CI: exit %d, golden %v, pending %v\n%s%s", code, exists(golden), exists(pending), out, errs)
	}
	if !strings.Contains(out, "branch.golden.new") || !strings.Contains(out, "smtpspec review") {
		t.Errorf("the report does not point at the pending golden and review:\n%s", out)
	}
	if !strings.Contains(errs, "[1/1] new") {
		t.Errorf("no plain progress line in CI: %q", errs)
	}
	code, out, _ = runCLI(t, ci, "review", "--golden", gdir)
	if code != exitFail || !strings.Contains(out, "branch: new golden") || !strings.Contains(out, "+= rcpt pass 250 2.1.5") {
		t.Fatalf("review listing: exit %d\n%s", code, out)
	}
	if code, out, _ = runCLI(t, ci, "review", "--golden", gdir, "--accept-all"); code != exitOK || !exists(golden) || exists(pending) {
		t.Fatalf("accept-all: exit %d\n%s", code, out)
	}
	if code, out, errs = runCLI(t, ci, "run", "--golden", gdir, spec); code != exitOK || exists(pending) {
		t.Fatalf("run after accept: exit %d\n%s%s", code, out, errs)
	}
	accepted := mustRead(t, golden)

	// The firewall changed: the site now meets a banned IP.
	addr2, ca2 := startScenario(t, "banned-ip")
	spec = writeSpec(t, dir, "branch", "direct_send", addr2, ca2, "starttls", "  expect \"rcpt\" {\n    code = 550\n  }\n")
	reports := filepath.Join(dir, "reports")
	os.MkdirAll(reports, 0o755)
	gh := testGetenv(map[string]string{"CI": "true", "GITHUB_ACTIONS": "true", "GOLDIE_UPDATE": "1"})
	code, out, errs = runCLI(t, gh, "run", "--golden", gdir, spec,
		"--report", "junit="+filepath.Join(reports, "r.xml"), "--report", "markdown="+filepath.Join(reports, "r.md"),
		"--report", "html="+filepath.Join(reports, "r.html"))
	if code != exitFail || !strings.Contains(out, "DRIFT") || mustRead(t, golden) != accepted || !exists(pending) {
		t.Fatalf("drift in CI: exit %d, golden changed %v, pending %v\n%s%s", code, mustRead(t, golden) != accepted, exists(pending), out, errs)
	}
	if !strings.Contains(errs, "GOLDIE_UPDATE is ignored") {
		t.Errorf("CI did not say GOLDIE_UPDATE is ignored: %q", errs)
	}
	if !strings.Contains(errs, "::error file="+spec+",line=1,title=smtpspec%3A site branch drift::") {
		t.Errorf("no GitHub annotation on the spec: %q", errs)
	}
	var suites struct {
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal([]byte(mustRead(t, filepath.Join(reports, "r.xml"))), &suites); err != nil || suites.Failures != 1 {
		t.Errorf("junit report: %v, failures %d", err, suites.Failures)
	}
	if md := mustRead(t, filepath.Join(reports, "r.md")); !strings.Contains(md, "### ⚠️ branch: drift") {
		t.Errorf("markdown report:\n%s", md)
	}
	if page := mustRead(t, filepath.Join(reports, "r.html")); !strings.Contains(page, `data-site="branch"`) {
		t.Error("html report has no waterfall for the site")
	}

	code, out, _ = runCLIInput(t, ci, "?\na\n", "review", "--golden", gdir, "--interactive")
	if code != exitOK || !strings.Contains(out, "rcpt, quit changed") || !strings.Contains(out, `"?" is not an answer`) ||
		!strings.Contains(out, "1 accepted, 0 rejected, 0 left pending") || exists(pending) {
		t.Fatalf("interactive review: exit %d\n%s", code, out)
	}
	if code, out, errs = runCLI(t, ci, "run", "--golden", gdir, spec); code != exitOK {
		t.Fatalf("clean run after review: exit %d\n%s%s", code, out, errs)
	}
}

func TestReviewReject(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.golden"), []byte("old\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.golden.new"), []byte("new\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.golden.new"), []byte("new\n"), 0o644)
	none := testGetenv(nil)
	// End of input quits: everything stays pending.
	if code, out, _ := runCLIInput(t, none, "", "review", "--golden", dir, "--interactive"); code != exitFail || !strings.Contains(out, "2 left pending") {
		t.Fatalf("review on EOF: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, none, "review", "--golden", dir, "--reject-all", "--site", "a"); code != exitOK || !strings.Contains(out, "rejected a") {
		t.Fatalf("reject-all --site a: exit %d\n%s", code, out)
	}
	if mustRead(t, filepath.Join(dir, "a.golden")) != "old\n" || exists(filepath.Join(dir, "a.golden.new")) || !exists(filepath.Join(dir, "b.golden.new")) {
		t.Error("reject did not keep the old golden and only remove a's pending one")
	}
	if code, _, errs := runCLI(t, none, "review", "--accept-all", "--reject-all"); code != exitUsage || errs == "" {
		t.Errorf("both flags: exit %d", code)
	}
	if code, out, _ := runCLI(t, none, "review", "--golden", filepath.Join(dir, "none")); code != exitOK || !strings.Contains(out, "no pending goldens") {
		t.Errorf("empty folder: exit %d %q", code, out)
	}
}

// TestPruneAndUpdateSite: goldens without a site are listed, removed only
// with --prune; --update --site updates only the sites it matches.
func TestPruneAndUpdateSite(t *testing.T) {
	dir := t.TempDir()
	gdir := filepath.Join(dir, "golden")
	addr, ca := startScenario(t, "directsend-ok")
	writeSpec(t, dir, "alpha", "direct_send", addr, ca, "starttls", "")
	writeSpec(t, dir, "beta", "direct_send", addr, ca, "starttls", "")
	none := testGetenv(nil)
	if code, _, errs := runCLI(t, none, "run", dir, "--golden", gdir, "--update", "--site", "al*"); code != exitOK ||
		!exists(filepath.Join(gdir, "alpha.golden")) || exists(filepath.Join(gdir, "beta.golden")) {
		t.Fatalf("--update --site al*: exit %d %s", code, errs)
	}
	os.WriteFile(filepath.Join(gdir, "gone.golden"), []byte("x\n"), 0o644)
	os.WriteFile(filepath.Join(gdir, "gone.golden.new"), []byte("x\n"), 0o644)
	_, _, errs := runCLI(t, none, "run", dir, "--golden", gdir, "--site", "alpha")
	if !strings.Contains(errs, "gone.golden (and gone.golden.new) has no site in "+dir+" (remove with --prune)") || !exists(filepath.Join(gdir, "gone.golden")) {
		t.Fatalf("orphan not listed or removed without --prune: %q", errs)
	}
	_, _, errs = runCLI(t, none, "run", dir, "--golden", gdir, "--site", "alpha", "--prune")
	if !strings.Contains(errs, "pruned golden") || exists(filepath.Join(gdir, "gone.golden")) || exists(filepath.Join(gdir, "gone.golden.new")) {
		t.Fatalf("--prune: %q", errs)
	}
	if !exists(filepath.Join(gdir, "alpha.golden")) {
		t.Fatal("--prune removed a live site's golden")
	}
	for _, bad := range []string{"junit", "junit=", "pdf=x.pdf"} {
		if code, _, _ := runCLI(t, none, "run", dir, "--report", bad); code != exitUsage {
			t.Errorf("--report %s: exit %d, want 2", bad, code)
		}
	}
}
