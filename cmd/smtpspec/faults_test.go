//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The fault tests run the CLI in a child process (this test binary again,
// TestCLIHelperProcess), as a CI job runs smtpspec: as root inside a
// private mount namespace where a folder is a small tmpfs, full or
// remounted read-only, so nothing outside the child ever sees the mount;
// otherwise with a file-size limit (full) or a folder without write
// permission (read-only; root ignores permissions, hence the mount).
const cliHelperEnv = "SMTPSPEC_TEST_CLI_HELPER"

// cliHelper is what the child does, as JSON in cliHelperEnv.
type cliHelper struct {
	Args []string `json:"args"`
	// FS is "", "readonly" or "full": what becomes of Dir before the CLI
	// runs. Seed's files are copied into Dir first.
	FS   string `json:"fs"`
	Dir  string `json:"dir"`
	Seed string `json:"seed"`
	// Manifest, if set, receives Dir's files and contents after the run
	// (the parent cannot look into the child's tmpfs).
	Manifest string `json:"manifest"`
}

const helperTmpfsSize = 64 << 10

func TestCLIHelperProcess(t *testing.T) {
	v := os.Getenv(cliHelperEnv)
	if v == "" {
		return // only a helper; see cliHelper
	}
	var h cliHelper
	if err := json.Unmarshal([]byte(v), &h); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(99)
	}
	if err := h.prepare(); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(99)
	}
	code := run(context.Background(), h.Args, os.Getenv, strings.NewReader(""), os.Stdout, os.Stderr)
	if err := h.writeManifest(); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(99)
	}
	os.Exit(code)
}

func (h cliHelper) prepare() error {
	if h.FS == "" {
		return nil
	}
	root := os.Geteuid() == 0
	if root {
		if err := syscall.Mount("tmpfs", h.Dir, "tmpfs", 0, fmt.Sprintf("size=%d", helperTmpfsSize)); err != nil {
			return fmt.Errorf("mount tmpfs: %w", err)
		}
	}
	if err := copyFiles(h.Seed, h.Dir); err != nil {
		return err
	}
	switch {
	case h.FS == "readonly" && root:
		return syscall.Mount("", h.Dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, "")
	case h.FS == "readonly":
		return os.Chmod(h.Dir, 0o555)
	case h.FS == "full" && root:
		return fillUp(filepath.Join(h.Dir, ".filler"))
	case h.FS == "full":
		return setFileSizeLimit(1)
	}
	return fmt.Errorf("unknown fs %q", h.FS)
}

func copyFiles(from, to string) error {
	if from == "" {
		return nil
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// fillUp writes path until the filesystem is full.
func fillUp(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for range 2 * helperTmpfsSize / len(chunk) {
		if _, err := f.Write(chunk); errors.Is(err, syscall.ENOSPC) {
			return nil
		} else if err != nil {
			return err
		}
	}
	return errors.New("the tmpfs never filled up")
}

// setFileSizeLimit limits the size of the files the process writes
// (soft limit only, so that it can be lifted again); 0 lifts it.
func setFileSizeLimit(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		return err
	}
	lim.Cur = lim.Max
	if n > 0 {
		lim.Cur = n
	}
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim)
}

func (h cliHelper) writeManifest() error {
	if h.Manifest == "" {
		return nil
	}
	if err := setFileSizeLimit(0); err != nil {
		return err
	}
	files := map[string]string{}
	entries, err := os.ReadDir(h.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == ".filler" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(h.Dir, e.Name()))
		if err != nil {
			return err
		}
		files[e.Name()] = string(b)
	}
	b, _ := json.Marshal(files)
	return os.WriteFile(h.Manifest, b, 0o644)
}

// helperResult is what a child left: its exit code, output and, with a
// manifest, the folder's files.
type helperResult struct {
	code           int
	stdout, stderr string
	files          map[string]string
}

// runHelper runs h in a child process with env added to the test's.
func runHelper(t *testing.T, h cliHelper, env ...string) helperResult {
	t.Helper()
	if h.FS != "" {
		h.Manifest = filepath.Join(t.TempDir(), "manifest.json")
	}
	spec, _ := json.Marshal(h)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCLIHelperProcess$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), cliHelperEnv+"="+string(spec)), env...)
	if h.FS != "" && os.Geteuid() == 0 {
		// A private mount namespace: the tmpfs vanishes with the child.
		cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("smtpspec %q did not finish within two minutes", h.Args)
	}
	r := helperResult{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String()}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("smtpspec %q: %v", h.Args, err)
	}
	if r.code == 99 || strings.Contains(r.stderr, "panic:") {
		t.Fatalf("smtpspec %q: exit %d\n%s", h.Args, r.code, r.stderr)
	}
	if h.Manifest != "" {
		b, err := os.ReadFile(h.Manifest)
		if err != nil {
			t.Fatalf("no manifest: %v\n%s", err, r.stderr)
		}
		json.Unmarshal(b, &r.files)
	}
	return r
}

// faultWords is what the failure says on this machine: as root the real
// thing (tmpfs), otherwise its stand-in.
func faultWords(fs string) string {
	switch {
	case fs == "readonly" && os.Geteuid() == 0:
		return "read-only file system"
	case fs == "readonly":
		return "permission denied"
	case os.Geteuid() == 0:
		return "no space left on device"
	}
	return "file too large"
}

// siteStatus is a site's status and warnings in a JSON report.
func siteStatus(t *testing.T, report string) (status string, warnings []string, accept string) {
	t.Helper()
	var rep struct {
		Sites []struct {
			Status   string
			Warnings []string
			Accept   string
		}
	}
	if err := json.Unmarshal([]byte(report), &rep); err != nil || len(rep.Sites) != 1 {
		t.Fatalf("report: %v\n%s", err, report)
	}
	s := rep.Sites[0]
	return s.Status, s.Warnings, s.Accept
}

// TestGoldenFolderFaults: a golden folder that is read-only or full
// leaves every site's status as measured (pass, drift, new), with a
// warning that says what could not be written; the stored golden is
// untouched and no temporary file is left.
func TestGoldenFolderFaults(t *testing.T) {
	dir := t.TempDir()
	spec, good := branchSite(t, dir)
	stale := "a golden from before the firewall change\n"
	cases := []struct {
		name   string
		seed   map[string]string
		args   []string
		status string
		code   int
		warn   string // "" : no warning
	}{
		{"match", map[string]string{"branch.golden": good}, nil, "pass", exitOK, ""},
		{"match with a stale pending file", map[string]string{"branch.golden": good, "branch.golden.new": stale}, nil, "pass", exitOK, "stale pending golden could not be removed"},
		{"drift", map[string]string{"branch.golden": stale}, nil, "drift", exitFail, "was not saved for review"},
		{"new", nil, nil, "new", exitFail, "was not saved for review"},
		{"update", map[string]string{"branch.golden": stale}, []string{"--update"}, "drift", exitFail, "golden branch not updated (the stored golden is unchanged)"},
	}
	for _, fs := range []string{"readonly", "full"} {
		for _, tc := range cases {
			t.Run(fs+"/"+tc.name, func(t *testing.T) {
				if fs == "full" && tc.name == "match with a stale pending file" {
					t.Skip("removing a file frees space: nothing fails on a full disk")
				}
				seed, gdir := t.TempDir(), t.TempDir()
				for n, s := range tc.seed {
					os.WriteFile(filepath.Join(seed, n), []byte(s), 0o644)
				}
				args := append([]string{"run", "--golden", gdir, "--format", "json", spec}, tc.args...)
				res := runHelper(t, cliHelper{Args: args, FS: fs, Dir: gdir, Seed: seed}, "SMTPSPEC_CACHE_DIR="+t.TempDir())
				os.Chmod(gdir, 0o755) // the non-root read-only case leaves it 0555
				status, warnings, accept := siteStatus(t, res.stdout)
				if res.code != tc.code || status != tc.status {
					t.Errorf("exit %d, status %s; want %d, %s\n%s", res.code, status, tc.code, tc.status, res.stderr)
				}
				joined := strings.Join(warnings, "\n")
				switch {
				case tc.warn == "" && len(warnings) > 0:
					t.Errorf("warnings on a clean run: %q", warnings)
				case tc.warn != "" && (!strings.Contains(joined, tc.warn) || !strings.Contains(joined, faultWords(fs))):
					t.Errorf("warnings %q lack %q and %q", warnings, tc.warn, faultWords(fs))
				}
				if accept != "" {
					t.Errorf("report offers %q though no pending golden was written", accept)
				}
				if diff := manifestDiff(tc.seed, res.files); diff != "" {
					t.Errorf("golden folder changed:\n%s", diff)
				}
			})
		}
	}
}

// branchSite writes a Direct Send site against the simulator and returns
// its spec and the golden a lone run records for it.
func branchSite(t *testing.T, dir string) (spec, good string) {
	t.Helper()
	addr, ca := startScenario(t, "directsend-ok")
	spec = writeSpec(t, dir, "branch", "direct_send", addr, ca, "starttls", "")
	lone := filepath.Join(dir, "lone")
	if code, _, errs := runCLI(t, testGetenv(nil), "run", "--golden", lone, "--update", spec); code != exitOK {
		t.Fatalf("recording the golden: exit %d\n%s", code, errs)
	}
	return spec, mustRead(t, filepath.Join(lone, "branch.golden"))
}

// manifestDiff says how the folder's files differ from what was seeded.
func manifestDiff(want, got map[string]string) string {
	var b strings.Builder
	for n, s := range want {
		if got[n] != s {
			fmt.Fprintf(&b, "%s: %q, want %q\n", n, got[n], s)
		}
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			fmt.Fprintf(&b, "%s: left behind\n", n)
		}
	}
	return b.String()
}

// TestReportsOnFullDisk: reports that cannot be written (a full disk)
// are each reported with the cause and exit 2; the --out report goes to
// stdout instead, so the run's findings are not lost; no partial or
// temporary file is left.
func TestReportsOnFullDisk(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "directsend-ok")
	spec := writeSpec(t, dir, "branch", "direct_send", addr, ca, "starttls", "")
	reports := t.TempDir()
	res := runHelper(t, cliHelper{FS: "full", Dir: reports, Args: []string{"run", "--golden", filepath.Join(dir, "golden"),
		"--format", "json", "--out", filepath.Join(reports, "report.json"), "--report", "junit=" + filepath.Join(reports, "junit.xml"), spec}},
		"SMTPSPEC_CACHE_DIR="+t.TempDir())
	if res.code != exitUsage {
		t.Errorf("exit %d, want 2\n%s", res.code, res.stderr)
	}
	for _, f := range []string{"report.json", "junit.xml"} {
		mustContain(t, "stderr", res.stderr, "report "+filepath.Join(reports, f)+" not written (any previous one is unchanged)")
	}
	mustContain(t, "stderr", res.stderr, faultWords("full"), "it is on stdout instead")
	if status, _, _ := siteStatus(t, res.stdout); status != "new" {
		t.Errorf("the report on stdout says %q", status)
	}
	if len(res.files) != 0 {
		t.Errorf("files left in the full folder: %v", res.files)
	}
}

// TestConcurrentRunsOneGoldenFolder: smtpspec processes that drift,
// update and accept on one golden folder at once (two CI jobs on one
// runner, a technician reviewing meanwhile) leave whole files, each one
// some run's output, no temporary file and no panic.
func TestConcurrentRunsOneGoldenFolder(t *testing.T) {
	dir := t.TempDir()
	spec, good := branchSite(t, dir)
	old := "a golden from before the firewall change\n"
	gdir := filepath.Join(dir, "shared")
	os.MkdirAll(gdir, 0o755)
	os.WriteFile(filepath.Join(gdir, "branch.golden"), []byte(old), 0o644)
	cache := "SMTPSPEC_CACHE_DIR=" + t.TempDir()

	argsOf := [][]string{
		{"run", "--golden", gdir, spec}, {"run", "--golden", gdir, spec}, {"run", "--golden", gdir, spec},
		{"run", "--golden", gdir, "--update", spec},
		{"review", "--golden", gdir, "--site", "branch", "--accept"},
		{"run", "--golden", gdir, "--prune", spec},
	}
	results := make(chan helperResult, len(argsOf))
	for _, args := range argsOf {
		go func() { results <- runHelper(t, cliHelper{Args: args}, cache) }()
	}
	for range argsOf {
		r := <-results
		if r.code != exitOK && r.code != exitFail {
			t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	}
	valid := map[string]bool{good: true, old: true}
	entries, _ := os.ReadDir(gdir)
	for _, e := range entries {
		b := mustRead(t, filepath.Join(gdir, e.Name()))
		switch {
		case strings.Contains(e.Name(), ".tmp-"):
			t.Errorf("temporary file left behind: %s", e.Name())
		case e.Name() != "branch.golden" && e.Name() != "branch.golden.new":
			t.Errorf("unexpected file %s", e.Name())
		case !valid[b]:
			t.Errorf("%s is torn or foreign (%d bytes)", e.Name(), len(b))
		}
	}
	if !exists(filepath.Join(gdir, "branch.golden")) {
		t.Error("the golden was lost")
	}
}
