package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/report"
)

// TestRawTranscript: --raw writes, per site, what Microsoft support asks
// for: the simulator's front-end host names and session ids as sent, a
// UTC time on every line, the egress IP, the TLS facts; no secret in any
// form; and explain --transcript reads the file back to the same verdict.
func TestRawTranscript(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "submission-bad-credentials")
	spec := writeSpec(t, dir, "printer", "submission", addr, ca, "starttls",
		"  auth {\n    mechanism = \"LOGIN\"\n    username = \""+testUser+"\"\n    password = env(\"P\")\n  }\n")
	rawDir := filepath.Join(dir, "support", "raw") // created by the run
	getenv := testGetenv(map[string]string{"P": testPassword, "SMTPSPEC_CACHE_DIR": filepath.Join(dir, "cache")})
	code, out, errs := runCLI(t, getenv, "run", "--golden", filepath.Join(dir, "golden"), "--format", "json", "--raw", rawDir, spec)
	if code != exitFail {
		t.Fatalf("exit %d, want 1 (bad credentials)\n%s%s", code, out, errs)
	}
	raw := mustRead(t, filepath.Join(rawDir, "printer.raw.txt"))
	for name, re := range map[string]string{
		"header":              `^# smtpspec raw transcript: site "printer", method submission`,
		"probe start (UTC)":   `(?m)^# probe start  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`,
		"egress IP":           `(?m)^# egress IP    127\.0\.0\.1 \(as the server saw it`,
		"target":              `(?m)^# target       127\.0\.0\.1:\d+ \(connected to 127\.0\.0\.1:\d+\)$`,
		"front-end host":      `(?m)^\[[^\]]+ banner\] S: 220 [A-Z]{2}\dPR\d{2}CA\d{4}\.outlook\.office365\.com Microsoft ESMTP MAIL Service ready at `,
		"timed lines":         `(?m)^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \+\d+\.\d{3}s ehlo\] C: EHLO `,
		"session id kept":     `S: 535 5\.7\.139 Authentication unsuccessful, the user credentials were incorrect\. \[[A-Z0-9]+\.namprd\d+\.prod\.outlook\.com\]`,
		"TLS with expiry":     `(?m)^T: TLS1\.3 TLS_\w+ verified, subject [^,]+, issuer smtpspec simulator CA, names .*, valid until \d{4}-`,
		"stage with duration": `(?m)^= auth fail 535 5\.7\.139 \(\d+\.\d ms\)$`,
		"status":              `(?m)^# status       fail: auth at auth \(step 9\)`,
		"redacted AUTH":       `\] C: <redacted>`,
	} {
		if !regexp.MustCompile(re).MatchString(raw) {
			t.Errorf("raw transcript lacks %s (%s):\n%s", name, re, raw)
		}
	}
	searchAll(t, leakForms(testUser, map[string]string{"password": testPassword}), "raw transcript", raw)
	if entries, _ := os.ReadDir(rawDir); len(entries) != 1 {
		t.Errorf("raw folder holds %d files, want 1 (no temporary file left)", len(entries))
	}
	code, out, errs = runCLI(t, testGetenv(nil), "explain", "--format", "json", "--transcript", filepath.Join(rawDir, "printer.raw.txt"))
	var ex struct {
		Verdict struct{ Category, Stage string } `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(out), &ex); err != nil || code != exitOK || ex.Verdict.Category != "auth" || ex.Verdict.Stage != "auth" {
		t.Errorf("explain --transcript of the raw file: exit %d, %v, verdict %+v\n%s", code, err, ex.Verdict, errs)
	}
}

// TestRawFolderCheckedFirst: a --raw path that cannot be a folder stops
// the run before anything is probed.
func TestRawFolderCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "directsend-ok")
	spec := writeSpec(t, dir, "branch", "direct_send", addr, ca, "starttls", "")
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	gdir := filepath.Join(dir, "golden")
	code, out, errs := runCLI(t, testGetenv(map[string]string{"CI": "true"}), "run", "--golden", gdir, "--raw", filepath.Join(file, "raw"), spec)
	if code != exitUsage || !strings.Contains(errs, "--raw") || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2 before probing", code, out, errs)
	}
	if _, err := os.Stat(gdir); err == nil {
		t.Error("the site was probed (its pending golden was written)")
	}
}

// TestJSONRunMetadataFromTheCLI: the JSON report of a real run names its
// start (RFC 3339, within the run), this host, this binary's build, and
// the egress IP the simulator's EHLO reply gives.
func TestJSONRunMetadataFromTheCLI(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "directsend-ok")
	spec := writeSpec(t, dir, "branch", "direct_send", addr, ca, "starttls", "")
	before := time.Now().Add(-time.Second)
	_, out, errs := runCLI(t, testGetenv(nil), "run", "--golden", filepath.Join(dir, "golden"), "--format", "json", spec)
	var rep report.JSONReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Run == nil {
		t.Fatalf("%v\n%s%s", err, out, errs)
	}
	started, err := time.Parse(time.RFC3339, rep.Run.Started)
	if err != nil || started.Before(before.Truncate(time.Second)) || started.After(time.Now()) {
		t.Errorf("started %q (%v), want this run's start", rep.Run.Started, err)
	}
	host, _ := os.Hostname()
	if rep.Run.Host != host || rep.Run.Smtpspec.Go != runtime.Version() || rep.Run.Smtpspec.Version == "" || rep.Run.Interrupted != "" {
		t.Errorf("run = %+v, want host %q and this build", rep.Run, host)
	}
	if ip := rep.Sites[0].EgressIP; ip != "127.0.0.1" {
		t.Errorf("egress_ip = %q, want 127.0.0.1 (the simulator's Hello [ip])", ip)
	}
}

// TestBasicAuthWarningInEveryReport: a submission site with a password
// passes against the simulator, and every report format (and the GitHub
// annotations) carries the basic-auth retirement warning due this month.
func TestBasicAuthWarningInEveryReport(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "submission-ok")
	spec := writeSpec(t, dir, "hq", "submission", addr, ca, "starttls",
		"  auth {\n    mechanism = \"LOGIN\"\n    username = \""+testUser+"\"\n    password = env(\"P\")\n  }\n")
	getenv := testGetenv(map[string]string{"P": testPassword, "SMTPSPEC_CACHE_DIR": filepath.Join(dir, "cache")})
	gdir := filepath.Join(dir, "golden")
	if code, out, errs := runCLI(t, getenv, "run", "--golden", gdir, "--update", spec); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	const warning = "basic authentication becomes disabled by default for existing tenants at the end of December 2026"
	for _, f := range reportFormats {
		code, out, errs := runCLI(t, getenv, "run", "--golden", gdir, "--format", f, spec)
		if code != exitOK || !strings.Contains(out, warning) {
			t.Errorf("%s: exit %d, report lacks the basic-auth warning:\n%s%s", f, code, out, errs)
		}
	}
	gh := testGetenv(map[string]string{"P": testPassword, "SMTPSPEC_CACHE_DIR": filepath.Join(dir, "cache"), "GITHUB_ACTIONS": "true"})
	if _, _, errs := runCLI(t, gh, "run", "--golden", gdir, "--format", "json", spec); !strings.Contains(errs, "::warning file=") || !strings.Contains(errs, "December 2026") {
		t.Errorf("no GitHub warning annotation for a passing site's finding:\n%s", errs)
	}
}
