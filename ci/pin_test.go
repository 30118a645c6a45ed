package ci

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPinScriptPinsEveryTemplate: ci/release/pin.sh writes a release's
// version and the sha256 of its SHA256SUMS into copies of the three
// templates (and nothing else), and refuses the SHA256SUMS of another
// release.
func TestPinScriptPinsEveryTemplate(t *testing.T) {
	dir := t.TempDir()
	sums := "" +
		strings.Repeat("a", 64) + "  smtpspec_1.2.3_linux_amd64.tar.gz\n" +
		strings.Repeat("b", 64) + "  smtpspec_1.2.3_windows_amd64.zip\n"
	sumsFile := filepath.Join(dir, "SHA256SUMS")
	if err := os.WriteFile(sumsFile, []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte(sums))
	want := hex.EncodeToString(h[:])
	var copies []string
	for _, p := range templates {
		c := filepath.Join(dir, filepath.Base(p))
		copyFile(t, p, c)
		copies = append(copies, c)
	}
	out, err := exec.Command("bash", append([]string{"release/pin.sh", "v1.2.3", sumsFile}, copies...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("pin.sh: %v\n%s", err, out)
	}
	for i, c := range copies {
		before, _ := os.ReadFile(templates[i])
		after, _ := os.ReadFile(c)
		if !regexp.MustCompile(`(?m)^  SMTPSPEC_VERSION: "1\.2\.3"`).Match(after) ||
			!regexp.MustCompile(`(?m)^  SMTPSPEC_SUMS_SHA256: "`+want+`"`).Match(after) {
			t.Errorf("%s: not pinned to 1.2.3 / %s", templates[i], want)
		}
		if d := changedLines(string(before), string(after)); d != 2 {
			t.Errorf("%s: pin.sh changed %d lines, want exactly the 2 pins", templates[i], d)
		}
	}
	// Another release's SHA256SUMS is refused, and nothing is changed.
	out, err = exec.Command("bash", "release/pin.sh", "1.2.4", sumsFile, copies[0]).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not the SHA256SUMS of 1.2.4") {
		t.Errorf("pin.sh with another release's sums: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(copies[0]); !strings.Contains(string(b), want) {
		t.Errorf("a refused pin changed %s", copies[0])
	}
}

func changedLines(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) {
		return -1
	}
	n := 0
	for i := range al {
		if al[i] != bl[i] {
			n++
		}
	}
	return n
}
