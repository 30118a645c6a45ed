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
	"errors"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// scrubber replaces one kind of volatile text. may is a cheap test that
// is true of every line re can match (a literal the match must contain):
// most lines hold nothing volatile, and Go's matcher for these \b and
// (?i) expressions is the normaliser's main cost (a fleet of 3,000 sites
// spent ~9% of its CPU here). TestScrubberPrefilters checks each may
// against its expression (prefilter.go has them).
type scrubber struct {
	name string // what it scrubs, for tests and their failure messages
	may  func(string) bool
	re   *lazyre.Regexp
	repl string
}

// scrubbers run in order on every line; each has a public example of what
// it scrubs (FACTS.md is the project's sourced facts on Exchange Online;
// testdata/volatile-lines.txt holds real lines with their sources). What
// they leave is what a change of behaviour shows in: reply codes, enhanced
// codes, block ids such as (S3140), AS(201806281) or (AS16012609), and the
// words. Every placeholder is left alone by every scrubber, so Normalize
// is idempotent.
//
// Order matters: Message-IDs before host names (their domain is often a
// front-end host), host names before IP addresses, timestamps and tokens
// before the "[host timestamp token]" triples, IPv4 addresses before the
// store diagnostics (an "a.b:port" tail would look like one).
var scrubbers = []scrubber{
	// Message-IDs the server or a relay made up for the message, echoed in
	// end-of-data replies and relayed logs: a GUID (an ESP's, as in the
	// 250 2.6.0 <39ae3efa-2283-44e5-8733-80226f6fea73@mtasv.net> [InternalId=...]
	// a Postmark delivery webhook quotes), Postfix's and sendmail's date and
	// queue id (<20230910203057.5BBB918C6@host> in the Postfix log FACTS.md
	// section 0 quotes, <201602182047.u1IKlbP8004282@host>), and the long
	// upper-case form Exchange gives messages it creates (<mailbox server
	// name and hex>@<mailbox server>). smtpspec's own Message-ID carries the
	// run token instead (below), and stays.
	{"message-id", contains("@"), lazyre.New(`<(?:[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}|\d{12,14}\.[0-9A-Za-z]+|[A-Z0-9]{24,})@[^<>\s]+>`), "<MSGID>"},
	// Microsoft front-end host names (FACTS.md section 2: they change on
	// every connection), with the regional suffixes error replies carry:
	// BY1PR10CA0041.outlook.office365.com, MN2PR05CA0004.namprd05.prod.outlook.com,
	// SN1NAM02FT0049.mail.protection.outlook.com, <HOST>.eop-nam02.prod.protection.outlook.com,
	// the mailbox servers of Hostname= (SY4P282MB1257.AUSP282.PROD.OUTLOOK.COM)
	// and 21Vianet's BJXPR01CA011.CHNPR01.prod.partner.outlook.cn.
	// A reply code glued to the name ("S: 250-BN8NAM11FT066...", in a
	// pasted log) stays.
	{"outlook-host", containsFold("outlook."), lazyre.New(`(?i)\b(\d{3}-)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:outlook\.office365\.com|outlook\.com|outlook\.cn)\b`), "${1}<HOST>"},
	// Host names under mx.microsoft, where accepted domains added after 1
	// July 2026 get their MX (FACTS.md section 0, MC1048624:
	// contoso-com.<zone>.mx.microsoft); like the tenant's
	// *.mail.protection.outlook.com name above, a host, not behaviour.
	{"mx-microsoft-host", containsFold(".mx.microsoft"), lazyre.New(`(?i)\b(\d{3}-)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.mx\.microsoft\b`), "${1}<HOST>"},
	// RFC 1123 dates in banners: "Mon, 1 Jun 2015 12:00:00 +0000" (FACTS.md 2.1).
	{"date", weekdayComma, lazyre.New(`\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|GMT|UTC)(?: \([A-Z]+\))?`), "<DATE>"},
	// ISO 8601 timestamps in error replies: 2023-09-12T20:59:57.214Z (FACTS.md 2.1).
	{"timestamp", isoDate, lazyre.New(`\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b`), "<TS>"},
	// The run token smtpspec puts in Subject and Message-ID; before the
	// session tokens, whose upper-case hex pattern also matches a run
	// token that happens to be all digits (1 in ~2,000 runs).
	{"run-token", contains("smtpspec-"), lazyre.New(`\bsmtpspec-[0-9a-f]{16}\b`), "<RUN-TOKEN>"},
	// 16-hex session tokens, alone in brackets ("ready at <DATE>
	// [08DCEB746BAC29D2]") or after host and time (FACTS.md 2.1).
	{"session-token", hexRun16, lazyre.New(`\b[0-9A-F]{16}\b`), "<TOKEN>"},
	// "[host timestamp token]" whatever the host: a relayed bounce carries
	// one per front end it crossed, several in one line ("550 5.7.509 ...
	// [VI1P195MB0734.EURP195.PROD.OUTLOOK.COM 2025-06-23T20:38:28.040Z
	// 08DDB2564DE36667] [DU2P250CA0022.EURP250.PROD.OUTLOOK.COM ...]",
	// github.com/sympa-community/sympa/issues/1843), and a host under a
	// domain not listed above is still a front end in that position.
	{"triple-host", contains(" <TS> <TOKEN>]"), lazyre.New(`\[[^\s\[\]<>]+ <TS> <TOKEN>\]`), "[<HOST> <TS> <TOKEN>]"},
	// Exchange's end-of-data reply: "250 2.6.0 <id> [InternalId=7619272024915,
	// Hostname=SY4P282MB1257.AUSP282.PROD.OUTLOOK.COM] 48435 bytes in 0.160,
	// 294.858 KB/sec Queued mail for delivery" (FACTS.md section 0). The
	// id is per message, the mailbox server per message (on-premises
	// Exchange names its own: "Hostname=E6PEDG06.idir.BCGOV").
	{"internal-id", contains("InternalId="), lazyre.New(`InternalId=[^\s,\]]+`), "InternalId=<ID>"},
	{"hostname", contains("Hostname="), lazyre.New(`Hostname=[^\s,\]]+`), "Hostname=<HOST>"},
	// Its size, time and rate. The byte count is not the size smtpspec
	// sent: the postfix log FACTS.md section 0 quotes ("... bytes in 0.132,
	// 63.086 KB/sec Queued mail for delivery") has Postfix queue the
	// message at size=539 and Exchange answer "8547 bytes": it counts the
	// headers the service adds, which vary per message. "Queued mail for
	// delivery" stays: it is the fact the golden pins.
	{"data-size-rate", contains(" bytes in "), lazyre.New(`\b\d+ bytes in \d+(?:\.\d+)?s?, \d+(?:\.\d+)? KB/sec\b`), "<SIZE> bytes in <TIME>, <RATE> KB/sec"},
	// Postfix's queue ids: "250 2.0.0 Ok: queued as 4Xm3Yk0Jq5z1".
	{"postfix-queue-id", containsFold("queued as "), lazyre.New(`(?i)\bqueued as [0-9A-Za-z]+\b`), "queued as <QUEUE-ID>"},
	// IPv6 address literals ("Hello [::1]", "[IPv6:2001:db8::1]").
	{"ipv6", contains("["), lazyre.New(`\[(?:IPv6:)?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\]`), "[<IP>]"},
	// IPv4 addresses anywhere ("Hello [203.0.113.7]", "banned sending IP [..]").
	{"ipv4", fourGroups, lazyre.New(`\b(?:\d{1,3}\.){3}\d{1,3}\b`), "<IP>"},
	// The store driver's diagnostic counters in refusals, per message, in
	// both forms: "[BeginDiagnosticData]Cannot submit message. 0.35250:1F009983,
	// 1.36674:0A000000, ...[EndDiagnosticData]" (github.com/gophish/gophish/issues/2900)
	// and inline "Cannot submit message. 16.55847:69000000,
	// 17.43559:0000000020010000000000000000000000000000, ..."
	// (github.com/nodemailer/nodemailer/issues/748, rss2email/rss2email#147).
	// The whole list is one placeholder: its length varies too. A counter
	// of exactly 16 hex digits is a <TOKEN> by now, still part of the list.
	// Words inside the brackets ("WASCL UserAction verdict is ...") stay.
	{"store-diagnostics", diagItem, lazyre.New(`\b\d{1,3}\.\d{1,5}:(?:[0-9A-F]{8,}|<TOKEN>)(?:,\s*\d{1,3}\.\d{1,5}:(?:[0-9A-F]{8,}|<TOKEN>))*`), "<DIAG>"},
}

// The greeting and the first EHLO line name the server's host: scrub it
// for any server, not only Microsoft's, so a relay that rotates host
// names does not churn goldens.
var (
	bannerHost = lazyre.New(`^(220[ -])(\S+)`)
	ehloHost   = lazyre.New(`^(250[ -])(\S+)( Hello\b.*)?$`)
)

// Normalize returns a copy of lines with volatile parts replaced by stable
// placeholders. It is a pure function (same input, same output) and
// idempotent (normalised lines normalise to themselves).
func Normalize(lines []transcript.Line) []transcript.Line {
	out := make([]transcript.Line, len(lines))
	seenBanner, seenEHLO := false, map[transcript.Stage]bool{}
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

// replyPrefix is the "250-" / "550 " that starts a reply line
// (transcript.ParseReplyLine, any three digits: the line is the server's
// as sent); it is kept apart so that a host name right after it is not
// read as "250-host". "" for a line without code and separator.
func replyPrefix(s string) string {
	if _, _, _, err := transcript.ParseReplyLine(s); len(s) > 3 && !errors.Is(err, transcript.ErrNotReplyLine) {
		return s[:4]
	}
	return ""
}

// NormalizeText applies the built-in scrubbers to one line.
func NormalizeText(s string) string {
	prefix := replyPrefix(s)
	s = s[len(prefix):]
	for _, sc := range scrubbers {
		if sc.may(s) {
			s = sc.re.ReplaceAllString(s, sc.repl)
		}
	}
	return prefix + s
}

// Volatile names the scrubbers that change s, in the order they run
// ("outlook-host", "store-diagnostics", ...). Tests use it to show that
// a server's replies meet every scrubber (Scrubbers lists them).
func Volatile(s string) []string {
	var out []string
	s = s[len(replyPrefix(s)):]
	for _, sc := range scrubbers {
		if sc.may(s) {
			if r := sc.re.ReplaceAllString(s, sc.repl); r != s {
				out = append(out, sc.name)
				s = r
			}
		}
	}
	return out
}

// Scrubbers names the built-in scrubbers, in the order they run.
func Scrubbers() []string {
	out := make([]string, len(scrubbers))
	for i, sc := range scrubbers {
		out[i] = sc.name
	}
	return out
}

func isEHLO(cmd string) bool {
	return len(cmd) >= 4 && (cmd[:4] == "EHLO" || cmd[:4] == "HELO" || cmd[:4] == "ehlo" || cmd[:4] == "helo")
}
