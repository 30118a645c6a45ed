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
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// scrubber replaces one kind of volatile text.
type scrubber struct {
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
	{lazyre.New(`(?i)\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:outlook\.office365\.com|outlook\.com|outlook\.cn)\b`), "<HOST>"},
	// RFC 1123 dates in banners: "Mon, 1 Jun 2015 12:00:00 +0000".
	{lazyre.New(`\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}(?: \([A-Z]+\))?`), "<DATE>"},
	// ISO 8601 timestamps in error replies: 2023-09-12T20:59:57.214Z.
	{lazyre.New(`\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b`), "<TS>"},
	// 16-hex session tokens, alone in brackets or after host and time.
	{lazyre.New(`\b[0-9A-F]{16}\b`), "<TOKEN>"},
	// The run token smtpspec puts in Subject and Message-ID.
	{lazyre.New(`\bsmtpspec-[0-9a-f]{16}\b`), "<RUN-TOKEN>"},
	// Exchange's end-of-data reply: "<msgid> [InternalId=123, Hostname=...]".
	{lazyre.New(`InternalId=\d+`), "InternalId=<ID>"},
	// Postfix-style queue ids: "queued as 4Xm3Yk0Jq5z1".
	{lazyre.New(`(?i)\bqueued as [0-9A-Za-z]+\b`), "queued as <QUEUE-ID>"},
	// IPv6 address literals ("Hello [::1]", "[IPv6:2001:db8::1]").
	{lazyre.New(`\[(?:IPv6:)?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\]`), "[<IP>]"},
	// IPv4 addresses anywhere ("Hello [203.0.113.7]", "banned sending IP [..]").
	{lazyre.New(`\b(?:\d{1,3}\.){3}\d{1,3}\b`), "<IP>"},
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
		s = sc.re.ReplaceAllString(s, sc.repl)
	}
	return prefix + s
}

func isEHLO(cmd string) bool {
	return len(cmd) >= 4 && (cmd[:4] == "EHLO" || cmd[:4] == "HELO" || cmd[:4] == "ehlo" || cmd[:4] == "helo")
}
