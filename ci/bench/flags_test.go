//go:build latency || fleet

package bench

import "flag"

// Flags both harnesses take; the scripts build the binary and pass it.
var (
	binFlag = flag.String("smtpspec", "", "the smtpspec binary to measure (the script builds it)")
	outFlag = flag.String("out", "", "also write the report to this file")
)

// benchPassword is the mailbox password of the benchmarks (simulator and
// private Postfix only): a fixed test value, never a real secret.
const benchPassword = "bench-password-not-a-secret"
