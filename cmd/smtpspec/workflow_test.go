package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/specs"
)

// TestGoldenWorkflow walks a user's cycle: a new site fails with status
// new and the one command that accepts its golden (review, no probe);
// --update writes it too; the next run passes; the same site against a
// changed server drifts, shows a diff and the same accept command, exits
// 1; GOLDIE_UPDATE=1 accepts it.
func TestGoldenWorkflow(t *testing.T) {
	dir := t.TempDir()
	gdir := filepath.Join(dir, "golden")
	addr, ca := startScenario(t, "directsend-ok")
	spec := writeSpec(t, dir, "branch", "direct_send", addr, ca, "starttls", "")
	none := testGetenv(nil)

	code, out, _ := runCLI(t, none, "run", "--golden", gdir, spec)
	accept := "accept:   smtpspec review --golden " + gdir + " --site branch --accept"
	if code != exitFail || !strings.Contains(out, "NEW") || !strings.Contains(out, accept) || strings.Contains(out, "--update") {
		t.Fatalf("first run: exit %d, want 1 with status new and only the review command:\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(gdir, "branch.golden")); err == nil {
		t.Fatal("a run without --update wrote a golden")
	}
	if code, out, _ = runCLI(t, none, "run", "--golden", gdir, "--update", spec); code != exitOK {
		t.Fatalf("--update: exit %d\n%s", code, out)
	}
	if code, out, _ = runCLI(t, none, "run", "--golden", gdir, spec); code != exitOK || !strings.Contains(out, "PASS") {
		t.Fatalf("run against golden: exit %d\n%s", code, out)
	}

	// The firewall changed: same site, a server that now masks STARTTLS.
	addr2, ca2 := startScenario(t, "banned-ip")
	spec = writeSpec(t, dir, "branch", "direct_send", addr2, ca2, "starttls", "  expect \"rcpt\" {\n    code = 550\n  }\n")
	code, out, _ = runCLI(t, none, "run", "--golden", gdir, spec)
	if code != exitFail || !strings.Contains(out, "DRIFT") {
		t.Fatalf("changed server: exit %d, want 1 with drift:\n%s", code, out)
	}
	for _, want := range []string{"rcpt, quit changed", "-S: 250 2.1.5 Recipient OK", "+S: 550 5.7.606", accept} {
		if !strings.Contains(out, want) {
			t.Errorf("drift report lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "smtpspec ") != 1 {
		t.Errorf("drift report gives more than one command:\n%s", out)
	}
	if code, _, _ = runCLI(t, testGetenv(map[string]string{"GOLDIE_UPDATE": "1"}), "run", "--golden", gdir, spec); code != exitOK {
		t.Fatalf("GOLDIE_UPDATE=1: exit %d", code)
	}
	if code, out, _ = runCLI(t, none, "run", "--golden", gdir, spec); code != exitOK {
		t.Fatalf("after accepting: exit %d\n%s", code, out)
	}
}

func TestRunFlags(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "directsend-ok")
	spec := writeSpec(t, dir, "alpha", "direct_send", addr, ca, "starttls", "")
	writeSpec(t, dir, "beta", "direct_send", addr, ca, "starttls", "")
	none := testGetenv(nil)
	gdir := filepath.Join(dir, "golden")

	// --site picks sites by glob; a directory loads every spec in it.
	code, out, errs := runCLI(t, none, "run", dir, "--golden", gdir, "--update", "--site", "a*")
	if code != exitOK || !strings.Contains(out, "alpha") || strings.Contains(out, "beta") {
		t.Fatalf("--site a*: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs = runCLI(t, none, "run", dir, "--site", "zzz*"); code != exitUsage || !strings.Contains(errs, "no site matches") {
		t.Errorf("--site without match: exit %d, stderr %q", code, errs)
	}
	// --out writes the report to a file, stdout stays empty.
	report := filepath.Join(dir, "report.json")
	code, out, _ = runCLI(t, none, "run", "--golden", gdir, "--format", "json", "--out", report, spec)
	if code != exitOK || out != "" {
		t.Errorf("--out: exit %d, stdout %q", code, out)
	}
	if b, err := os.ReadFile(report); err != nil || !strings.HasPrefix(string(b), "{\n  \"sites\": [") {
		t.Errorf("report file: %v\n%s", err, b)
	}
	for _, args := range [][]string{
		{"run", "--format", "xml", spec},
		{"run", "--parallel", "0", spec},
		{"run", "--no-such-flag", spec},
		{"run", filepath.Join(dir, "missing.hcl")},
		{"frobnicate"},
		{},
	} {
		if code, _, _ := runCLI(t, none, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestValidateAndVersion(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "directsend-ok")
	spec := writeSpec(t, dir, "alpha", "direct_send", addr, ca, "starttls", "")
	code, out, _ := runCLI(t, testGetenv(nil), "validate", spec)
	if code != exitOK || !strings.Contains(out, "1 site(s) in 1 file(s): valid") {
		t.Errorf("validate: exit %d, %q", code, out)
	}
	if code, out, _ = runCLI(t, testGetenv(nil), "version"); code != exitOK || !strings.HasPrefix(out, "smtpspec ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestDemo(t *testing.T) {
	code, out, errs := runCLI(t, testGetenv(nil), "demo", "--quiet")
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "site(s):") || strings.Contains(out, "\nFAIL ") {
		t.Errorf("demo output:\n%s", out)
	}
	n := len(exampleNames(t))
	// The demo explains itself: how to read a passing refusal, every
	// status, the checklist steps, the record and compare counts, one
	// deliberate drift with its diff, and the first command of a real site.
	for _, want := range []string{
		"PASSES when the refusal is exactly the one its spec",
		"INTERRUPTED", "DRIFT       as expected, but the transcript differs",
		" 7 IP reputation (port-25 methods)", "10 Record the errors and transcripts",
		fmt.Sprintf("1. record   %d of %d goldens recorded", n, n),
		fmt.Sprintf("2. compare  %d of %d sites had their documented outcome", n, n),
		"3. drift", "DRIFT directsend-ok", "+C: RCPT TO:<receiving@contoso.com>",
		"next: smtpspec init --method submission --site my-printer",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(out, "# smtpspec transcript") {
		t.Error("--quiet printed transcripts")
	}
	code, out, _ = runCLI(t, testGetenv(nil), "demo", "--format", "json")
	var rep report.JSONReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || len(rep.Sites) != n || rep.Run == nil || rep.Run.Smtpspec.Go == "" {
		t.Errorf("demo --format json: exit %d, %v, %d sites, run %+v", code, err, len(rep.Sites), rep.Run)
	}
}

// exampleNames are the embedded example specs' file names.
func exampleNames(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(specs.Examples, "examples/*.hcl")
	if err != nil || len(names) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	return names
}

func TestSimList(t *testing.T) {
	code, out, _ := runCLI(t, testGetenv(nil), "sim", "--list")
	if code != exitOK || !strings.Contains(out, "submission-ok") || !strings.Contains(out, "no-banner") {
		t.Errorf("sim --list: exit %d\n%s", code, out)
	}
	if code, _, errs := runCLI(t, testGetenv(nil), "sim", "--scenario", "submission-ok", "--listen", "10.1.2.3:25"); code != exitUsage || !strings.Contains(errs, "loopback") {
		t.Errorf("sim on a non-loopback address: exit %d, %q", code, errs)
	}
}
