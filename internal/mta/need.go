//go:build linux

package mta

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Binaries the package runs, by the path Debian installs them at.
const (
	PostfixMaster = "/usr/lib/postfix/sbin/master"
	PostfixCmd    = "/usr/sbin/postfix"
	DovecotCmd    = "/usr/sbin/dovecot"
)

// installHint is what a developer runs to get the suite going locally.
const installHint = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postfix dovecot-core swaks (as root)"

// Need stops the test unless Postfix, Dovecot and swaks are installed and
// the test runs as root: it skips locally, and fails under CI, where a
// missing package is a broken CI script, not a choice.
func Need(t testing.TB) {
	t.Helper()
	var missing []string
	for _, bin := range []string{PostfixMaster, PostfixCmd, DovecotCmd} {
		if _, err := os.Stat(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	if _, err := exec.LookPath("swaks"); err != nil {
		missing = append(missing, "swaks")
	}
	why := ""
	switch {
	case len(missing) > 0:
		why = "real-MTA test needs " + strings.Join(missing, ", ") + ": " + installHint
	case os.Geteuid() != 0:
		why = "real-MTA test needs root: Postfix's master daemon starts as root"
	default:
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI is set: this suite must not skip)", why)
	}
	t.Skip(why)
}
