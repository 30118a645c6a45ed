package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestSystemdUnit: the unit passes `systemd-analyze verify` without a
// word, and `systemd-analyze security` rates its exposure low. Skipped
// where systemd-analyze is absent (it is not a package .ci/run installs:
// Debian's systemd brings it).
func TestSystemdUnit(t *testing.T) {
	bin, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed (Debian's systemd package)")
	}
	b, err := os.ReadFile("systemd/smtpspec-serve.service")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable() // an executable file where ExecStart names one
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), "smtpspec-serve.service")
	if err := os.WriteFile(unit, []byte(strings.ReplaceAll(string(b), "/usr/local/bin/smtpspec", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "verify", unit).CombinedOutput()
	if err != nil || strings.Contains(string(out), filepath.Base(unit)) {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, _ = exec.Command(bin, "security", "--offline=true", unit).CombinedOutput()
	m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Skipf("systemd-analyze security --offline not supported here:\n%s", out)
	}
	if v, _ := strconv.ParseFloat(string(m[1]), 64); v > 2.0 {
		t.Errorf("exposure level %v, want at most 2.0 (hardening lost):\n%s", v, out)
	}
	for _, want := range []string{"DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "CacheDirectory=smtpspec", "ExecReload=/bin/kill -HUP $MAINPID"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("unit lacks %s", want)
		}
	}
}
