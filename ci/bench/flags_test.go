//go:build latency || fleet || monitor

package bench

import (
	"flag"
	"os"
	"path/filepath"
	"time"

	"github.com/smtpspec/smtpspec/oauth/tokenserver"
)

// Flags both harnesses take; the scripts build the binary and pass it.
var (
	binFlag = flag.String("smtpspec", "", "the smtpspec binary to measure (the script builds it)")
	outFlag = flag.String("out", "", "also write the report to this file")
)

// benchPassword is the mailbox password of the benchmarks (simulator and
// private Postfix only): a fixed test value, never a real secret.
const benchPassword = "bench-password-not-a-secret"

// benchEnv is the environment of every smtpspec the harnesses start: the
// password, and an access token the simulator accepts for XOAUTH2 (its
// claims are checked as Exchange Online checks them, so a password will
// not do). The token is a test JWT with a random signature, valid for an
// hour: longer than any run of the harnesses. The AUTH failure state is
// kept in dir, not in the user's cache folder.
func benchEnv(dir string) []string {
	token := tokenserver.Mint(tokenserver.Delegated(time.Now(), "scanner@contoso.com"))
	return append(os.Environ(), "BENCH_PASSWORD="+benchPassword, "BENCH_TOKEN="+token, "SMTPSPEC_CACHE_DIR="+filepath.Join(dir, "cache"))
}
