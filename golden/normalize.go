// Package golden turns a transcript into the text stored in a golden file,
// compares it with the stored one and rewrites goldens atomically. Goldens
// are for human review: one protocol line per line with a direction prefix,
// stable order, no timestamps, durations or anything else that changes
// between two runs against the same server behaviour.
//
// The CLI's comparison lives here (not in goldie, which needs a
// *testing.T); goldie, in tests and in the ci package, reads and writes the
// same files (<dir>/<name>.golden).
package golden

import (
	"strings"
	"unicode/utf8"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// scrubber replaces one kind of volatile text. may is a cheap test that
// is true of every line re can match (a literal the match must contain):
// most lines hold nothing volatile, and Go's matcher for these \b and
// (?i) expressions is the normaliser's main cost (a fleet of 3,000 sites
// spent ~9% of its CPU here). TestScrubberPrefilters checks each may
// against its expression.
type scrubber struct {
	may  func(string) bool
	re   *lazyre.Regexp
	repl string
}

// scrubbers run in order on every line. Order matters: host names before IP
// addresses (a host name never contains a dotted quad, but "[<HOST> <TS>
// <TOKEN>]" needs the host gone before the token rule sees the bracket).
var scrubbers = []scrubber{
	// Microsoft front-end host names (FACTS.md section 2: they change on
	// every connection), with the regional suffixes error replies carry:
	// BY1PR10CA0041.outlook.office365.com, MN2PR05CA0004.namprd05.prod.outlook.com,
	// SN1NAM02FT0049.mail.protection.outlook.com, <HOST>.eop-nam02.prod.protection.outlook.com.
	{containsFold("outlook."), lazyre.New(`(?i)\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:outlook\.office365\.com|outlook\.com|outlook\.cn)\b`), "<HOST>"},
	// RFC 1123 dates in banners: "Mon, 1 Jun 2015 12:00:00 +0000".
	{contains(", "), lazyre.New(`\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}(?: \([A-Z]+\))?`), "<DATE>"},
	// ISO 8601 timestamps in error replies: 2023-09-12T20:59:57.214Z.
	{contains(":"), lazyre.New(`\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b`), "<TS>"},
	// 16-hex session tokens, alone in brackets or after host and time.
	{hexRun16, lazyre.New(`\b[0-9A-F]{16}\b`), "<TOKEN>"},
	// The run token smtpspec puts in Subject and Message-ID.
	{contains("smtpspec-"), lazyre.New(`\bsmtpspec-[0-9a-f]{16}\b`), "<RUN-TOKEN>"},
	// Exchange's end-of-data reply: "<msgid> [InternalId=123, Hostname=...]".
	{contains("InternalId="), lazyre.New(`InternalId=\d+`), "InternalId=<ID>"},
	// Postfix-style queue ids: "queued as 4Xm3Yk0Jq5z1".
	{containsFold("queued as "), lazyre.New(`(?i)\bqueued as [0-9A-Za-z]+\b`), "queued as <QUEUE-ID>"},
	// IPv6 address literals ("Hello [::1]", "[IPv6:2001:db8::1]").
	{contains("["), lazyre.New(`\[(?:IPv6:)?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\]`), "[<IP>]"},
	// IPv4 addresses anywhere ("Hello [203.0.113.7]", "banned sending IP [..]").
	{threeDots, lazyre.New(`\b(?:\d{1,3}\.){3}\d{1,3}\b`), "<IP>"},
}

// The greeting and the first EHLO line name the server's host: scrub it
// for any server, not only Microsoft's, so a relay that rotates host
// names does not churn goldens.
var (
	bannerHost = lazyre.New(`^(220[ -])(\S+)`)
	ehloHost   = lazyre.New(`^(250[ -])(\S+)( Hello\b.*)?$`)
)

// Normalize returns a copy of lines with volatile parts replaced by stable
// placeholders. It is a pure function: same input, same output.
func Normalize(lines []transcript.Line) []transcript.Line {
	out := make([]transcript.Line, len(lines))
	seenBanner, seenEHLO := false, map[string]bool{}
	var prev transcript.Line
	for i, l := range lines {
		l.At = 0
		if l.Dir == transcript.Server {
			switch {
			case !seenBanner && bannerHost.MatchString(l.Text):
				l.Text = bannerHost.ReplaceAllString(l.Text, "${1}<HOST>")
				seenBanner = true
			case prev.Dir == transcript.Client && isEHLO(prev.Text) && !seenEHLO[l.Stage]:
				l.Text = ehloHost.ReplaceAllString(l.Text, "${1}<HOST>${3}")
				seenEHLO[l.Stage] = true
			}
		}
		l.Text = NormalizeText(l.Text)
		prev = lines[i]
		out[i] = l
	}
	return out
}

// replyPrefix is the "250-" / "550 " that starts a reply line; it is kept
// apart so that a host name right after it is not read as "250-host".
var replyPrefix = lazyre.New(`^\d{3}[ -]`)

// NormalizeText applies the built-in scrubbers to one line.
func NormalizeText(s string) string {
	prefix := replyPrefix.FindString(s)
	s = s[len(prefix):]
	for _, sc := range scrubbers {
		if sc.may(s) {
			s = sc.re.ReplaceAllString(s, sc.repl)
		}
	}
	return prefix + s
}

func isEHLO(cmd string) bool {
	return len(cmd) >= 4 && (cmd[:4] == "EHLO" || cmd[:4] == "HELO" || cmd[:4] == "ehlo" || cmd[:4] == "helo")
}

// The scrubbers' prefilters (scrubber.may).

func contains(lit string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, lit) }
}

// containsFold is contains for an ASCII lower-case literal, ignoring
// case as the (?i) expressions do. A line with any non-ASCII byte is a
// possible match: Unicode folds k and s from runes of other lengths
// (K, ſ), which a byte-wise comparison would miss.
func containsFold(lit string) func(string) bool {
	return func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return true
			}
		}
		for i := 0; i+len(lit) <= len(s); i++ {
			if strings.EqualFold(s[i:i+len(lit)], lit) {
				return true
			}
		}
		return false
	}
}

// hexRun16 reports whether s holds 16 upper-case hex digits in a row.
func hexRun16(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; '0' <= c && c <= '9' || 'A' <= c && c <= 'F' {
			if run++; run >= 16 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// threeDots reports whether s holds at least three dots (a dotted quad's).
func threeDots(s string) bool { return strings.Count(s, ".") >= 3 }
