package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The parts of Exchange Online's end-of-data replies that change per
// message, which the catalog's texts leave out or hold as placeholders.
// The simulator adds them as the service does, so that the normaliser's
// scrubbers meet them in every determinism test; their shapes are the
// ones FACTS.md section 0 ("Volatile parts of real replies") and the
// sources below show.

// internalID is the decimal id of "[InternalId=7619272024915, ...]"
// (FACTS.md section 0; 13 to 14 digits in the public examples).
func internalID() string {
	return fmt.Sprintf("%d", 1_000_000_000_000+rand.Int64N(99_000_000_000_000))
}

// mailboxServer is the "Hostname=" of the end-of-data reply: the mailbox
// server that took the message, upper case (SY4P282MB1257.AUSP282.PROD.OUTLOOK.COM,
// FACTS.md section 0) or lower case (TYZPR06MB6239.apcprd06.prod.outlook.com,
// the Postfix log FACTS.md section 0 quotes), differing per message.
func mailboxServer() string {
	n := rand.IntN(900) + 100
	host := fmt.Sprintf("%s%dP%dMB%04d.%s%d.PROD.OUTLOOK.COM", pick(submissionSites), rand.IntN(9)+1, n, rand.IntN(10000), pick(regions), n)
	if rand.IntN(2) == 0 {
		host = fmt.Sprintf("%s%dPR%02dMB%04d.%sprd%02d.prod.outlook.com", pick(submissionSites), rand.IntN(9)+1, n%100, rand.IntN(10000), strings.ToLower(pick(regions)[:3]), n%100)
	}
	return host
}

// Region prefixes of mailbox server names (AUSP282, EURP195, NAMP221).
var regions = []string{"NAMP", "EURP", "AUSP", "APCP", "INDP"}

// transferClause is "48435 bytes in 0.160, 294.858 KB/sec" (FACTS.md
// section 0). The count is not the size the client sent: in the Postfix
// log FACTS.md quotes, a message queued at size=539 was answered "8547
// bytes", since the service counts the headers it adds; so the simulator
// adds a few kilobytes of them, a different amount per message. The time
// is how long the message took to arrive, plus the service's own.
func transferClause(received int64, took time.Duration) string {
	size := received + 3000 + rand.Int64N(6000)
	secs := took.Seconds() + 0.050 + rand.Float64()*0.250
	return fmt.Sprintf("%d bytes in %.3f, %.3f KB/sec", size, secs, float64(size)/1024/secs)
}

// withTransfer puts the transfer clause before "Queued mail for delivery",
// where Exchange Online has it; a text without that ending is returned as
// it is.
func withTransfer(text, clause string) string {
	const queued = " Queued mail for delivery"
	if !strings.HasSuffix(text, queued) {
		return text
	}
	return strings.TrimSuffix(text, queued) + " " + clause + queued
}

// storeCounters are the store driver's diagnostic counters as refusals
// list them (github.com/gophish/gophish/issues/2900, rss2email/rss2email#147):
// a counter id and a value of 8, 24 or 40 hex digits.
var storeCounters = []struct {
	id     string
	digits int
}{
	{"0.35250", 8}, {"1.36674", 8}, {"1.61250", 8}, {"1.45378", 8}, {"1.44866", 8},
	{"1.36674", 8}, {"1.61250", 8}, {"1.45378", 8}, {"1.44866", 8}, {"16.55847", 8},
	{"17.43559", 40}, {"20.52176", 24}, {"20.50032", 24}, {"0.53414", 8}, {"0.35180", 8},
	{"255.23226", 8}, {"255.27962", 8}, {"255.27962", 8}, {"255.31418", 8},
}

// storeDiagnostics is a counter list of a length and with values that
// differ per message, as the public refusals' lists do.
func storeDiagnostics() string {
	n := 4 + rand.IntN(len(storeCounters)-3)
	items := make([]string, n)
	for i, c := range storeCounters[:n] {
		v := fmt.Sprintf("%08X", rand.Uint32())
		for len(v) < c.digits {
			v += fmt.Sprintf("%08X", rand.Uint32())
		}
		items[i] = c.id + ":" + v[:c.digits]
	}
	return strings.Join(items, ", ")
}

// withDiagnostics puts the counters after "Cannot submit message.", in
// both forms the service uses: inline at the end ("... Cannot submit
// message. 16.55847:69000000, 17.43559:...", nodemailer/nodemailer#748)
// and inside "[BeginDiagnosticData]Cannot submit message. 0.35250:1F009983,
// ...[EndDiagnosticData]" (gophish/gophish#2900). Other texts are
// returned as they are.
func withDiagnostics(text string) string {
	const at = "Cannot submit message."
	if !strings.Contains(text, at) {
		return text
	}
	return strings.Replace(text, at, at+" "+storeDiagnostics(), 1)
}
