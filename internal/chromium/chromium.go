// Package chromium runs Debian's headless Chromium on a local page for
// tests of the HTML reports: the page must open offline, without console
// errors. It never lets the browser reach the network or the user's
// profile.
package chromium

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Need returns Chromium's path, skipping the test without it locally and
// failing it under CI (.ci/run installs the Debian package chromium).
func Need(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: .ci/run installs the Debian package chromium")
	}
	t.Skip("chromium not installed (apt-get install chromium); CI runs this test")
	return ""
}

// Browse runs headless Chromium bin on the file page with extra flags and
// returns its stdout and stderr. Bounded by a minute; the flags keep it
// off the network and out of the user's profile.
func Browse(t testing.TB, bin, page string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}, extra...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, errb.String())
	}
	return out.String(), errb.String()
}

// Screenshot renders page in Chromium bin at size ("1280,2400") and keeps
// the picture as a test artifact, name in $SMTPSPEC_ARTIFACTS (default
// $TMPDIR/smtpspec-artifacts); it returns the picture's path.
func Screenshot(t testing.TB, bin string, page []byte, name, size string) string {
	t.Helper()
	dir := os.Getenv("SMTPSPEC_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "smtpspec-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, name)
	os.Remove(shot)
	path := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	Browse(t, bin, path, "--screenshot="+shot, "--window-size="+size, "--hide-scrollbars")
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 1000 {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	return shot
}
