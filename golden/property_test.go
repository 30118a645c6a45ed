package golden

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/catalog"
)

// The property test's own map of volatile parts: where a real server puts
// a value that changes per connection or message, and a generator of
// another such value. It is written apart from the scrubbers on purpose
// (shapes, not their expressions), so that a scrubber that misses part of
// a value, or removes a word around it, fails the test.
type volatileKind struct {
	name string
	re   *regexp.Regexp
	gen  func(r *rand.Rand, match string) string
}

var volatileKinds = []volatileKind{
	{"message-id", regexp.MustCompile(`<(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{14}\.[0-9A-F]{9,11})@[a-z0-9.-]+>`), genMessageID},
	// The front end and its region: the first label entirely, digits in
	// the others; the domain (outlook.com, protection.outlook.com, ...) stays.
	{"microsoft-host", regexp.MustCompile(`(?i)\b[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:outlook\.office365\.com|outlook\.com|outlook\.cn|mx\.microsoft)\b`), genHost},
	{"date", regexp.MustCompile(`(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000`), func(r *rand.Rand, _ string) string { return randTime(r).Format("Mon, 2 Jan 2006 15:04:05 -0700") }},
	{"timestamp", regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`), func(r *rand.Rand, _ string) string { return randTime(r).Format("2006-01-02T15:04:05.000Z") }},
	{"token", regexp.MustCompile(`\b08D[0-9A-F]{13}\b`), func(r *rand.Rand, _ string) string { return fmt.Sprintf("08D%013X", r.Uint64()>>12) }},
	{"run-token", regexp.MustCompile(`smtpspec-[0-9a-f]{16}`), func(r *rand.Rand, _ string) string { return fmt.Sprintf("smtpspec-%016x", r.Uint64()) }},
	{"internal-id", regexp.MustCompile(`InternalId=\d+`), func(r *rand.Rand, _ string) string { return "InternalId=" + digits(r, 10+r.IntN(6)) }},
	{"size-rate", regexp.MustCompile(`\d+ bytes in \d+\.\d+, \d+\.\d+ KB/sec`), genSizeRate},
	{"queue-id", regexp.MustCompile(`queued as [0-9A-Za-z]+`), func(r *rand.Rand, _ string) string { return "queued as " + alnum(r, 10+r.IntN(4)) }},
	{"ipv4", regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`), func(r *rand.Rand, _ string) string {
		return fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254))
	}},
	// A counter list, complete or cut by the poster ("…, 20.521"): a new
	// list of another length; a cut tail stays cut.
	{"store-diagnostics", regexp.MustCompile(`\d{1,3}\.\d{4,5}:[0-9A-F]{8,}(?:, \d{1,3}\.\d{4,5}:[0-9A-F]{8,})*`), genDiag},
}

// volatileSpan is one volatile part of a line.
type volatileSpan struct {
	kind       int
	start, end int
}

// volatileSpans finds the volatile parts of s, earlier kinds first where
// two overlap (a Message-ID's domain is a host).
func volatileSpans(s string) []volatileSpan {
	var out []volatileSpan
	taken := make([]bool, len(s))
	for k, vk := range volatileKinds {
	next:
		for _, m := range vk.re.FindAllStringIndex(s, -1) {
			for i := m[0]; i < m[1]; i++ {
				if taken[i] {
					continue next
				}
			}
			for i := m[0]; i < m[1]; i++ {
				taken[i] = true
			}
			out = append(out, volatileSpan{k, m[0], m[1]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// mutateVolatile returns s with every volatile part replaced by another
// value of its kind.
func mutateVolatile(r *rand.Rand, s string) string {
	var b strings.Builder
	at := 0
	for _, sp := range volatileSpans(s) {
		b.WriteString(s[at:sp.start])
		b.WriteString(volatileKinds[sp.kind].gen(r, s[sp.start:sp.end]))
		at = sp.end
	}
	return b.String() + s[at:]
}

// replyLines are the lines of the project's fixtures and the copied
// corpus lines that hold a reply (a code, then a space or dash), named by
// where they come from.
func replyLines(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	code := regexp.MustCompile(`\b[2-5]\d\d[ -]`)
	add := func(from, line string) {
		if line != "" && !strings.HasPrefix(line, "#") && code.MatchString(line) {
			out[from+": "+line] = line
		}
	}
	var files []string
	for _, pattern := range []string{"testdata/volatile-lines.txt", "testdata/fuzz-normalize/*.txt", "testdata/*.golden", "../explain/testdata/*.txt"} {
		m, err := filepath.Glob(pattern)
		if err != nil || len(m) == 0 {
			t.Fatalf("no fixtures match %s: %v", pattern, err)
		}
		files = append(files, m...)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			add(f, strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(l), "S: "), "C: "))
		}
	}
	// Every reply the simulator sends, from its catalog row (sim's own
	// test feeds this property the simulator's real sessions).
	vals := map[string]string{"HOST": "BY1PR10CA0041.namprd10.prod.outlook.com", "IP": "203.0.113.7", "TS": "2023-09-12T20:59:57.214Z",
		"TOKEN": "08DBB276B7E699C4", "DATE": "Mon, 1 Jun 2015 12:00:00 +0000", "USER": "scanner@contoso.com", "FROM": "paralegal@contoso.com",
		"DOMAIN": "fabrikam.com", "MSGID": "<smtpspec-0123456789abcdef.hq-mfp@contoso.com>"}
	for _, e := range catalog.Catalog {
		add("catalog "+e.ID, fmt.Sprintf("%d %s", e.Code, e.Render(vals)))
	}
	if len(out) < 100 {
		t.Fatalf("only %d reply lines in the fixtures", len(out))
	}
	return out
}

// TestVolatilePartsDoNotDrift is the normaliser's property over every
// reply line of the fixtures: with its volatile parts replaced by other
// values, a line normalises to the same text; with its reply code, its
// enhanced code or any one of its words changed, it does not; and normalised
// text normalises to itself. Each line is mutated many times; the seed is
// printed so a failure can be replayed.
func TestVolatilePartsDoNotDrift(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 19))
	lines := replyLines(t)
	names := make([]string, 0, len(lines))
	for n := range lines {
		names = append(names, n)
	}
	sort.Strings(names)
	seen := make([]int, len(volatileKinds))
	changes := 0
	for _, name := range names {
		line := lines[name]
		for _, sp := range volatileSpans(line) {
			seen[sp.kind]++
		}
		want := NormalizeText(line)
		if again := NormalizeText(want); again != want {
			t.Errorf("%s: not idempotent:\n once  %q\n twice %q", name, want, again)
		}
		checkPrefilters(t, line)
		for range 20 {
			m := mutateVolatile(r, line)
			checkPrefilters(t, m)
			if got := NormalizeText(m); got != want {
				t.Errorf("%s: volatile parts changed the normalised line:\n line    %q\n mutated %q\n want %q\n got  %q", name, line, m, want, got)
				break
			}
		}
		for _, change := range stableChanges(r, line) {
			changes++
			if NormalizeText(change.line) == want {
				t.Errorf("%s: a changed %s does not show in the normalised line:\n line    %q\n changed %q\n both    %q", name, change.what, line, change.line, want)
			}
		}
	}
	for k, n := range seen {
		if n == 0 {
			t.Errorf("no fixture line holds a volatile %s: the property is not tested for it", volatileKinds[k].name)
		}
	}
	t.Logf("%d lines, %d stable changes; volatile parts per kind: %v", len(lines), changes, seen)
}

type stableChange struct{ what, line string }

var (
	anyReplyCode    = regexp.MustCompile(`\b([2-5])(\d\d)([ -])`)
	anyEnhancedCode = regexp.MustCompile(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)
	plainWord       = regexp.MustCompile(`\b[A-Za-z]{3,}\b`)
	// Exchange's block ids: (S3140), (AS16012609), AS(201806281), (S77719).
	blockID = regexp.MustCompile(`\(A?S(\d+)\)|AS\((\d+)\)`)
)

// stableChanges are versions of line with its reply code, its enhanced
// code, its block id and each of its words (outside the volatile parts)
// changed.
func stableChanges(r *rand.Rand, line string) []stableChange {
	var out []stableChange
	if m := anyReplyCode.FindStringSubmatchIndex(line); m != nil && !inVolatile(line, m[0]) {
		c := line[m[2]:m[3]]
		other := map[string]string{"2": "5", "3": "2", "4": "5", "5": "4"}[c]
		out = append(out, stableChange{"reply code", line[:m[2]] + other + line[m[3]:]})
	}
	if m := anyEnhancedCode.FindStringSubmatchIndex(line); m != nil && !inVolatile(line, m[0]) {
		out = append(out, stableChange{"enhanced code", line[:m[6]] + bump(line[m[6]:m[7]]) + line[m[7]:]})
	}
	if m := blockID.FindStringSubmatchIndex(line); m != nil {
		g := m[2:4] // the digits: (S3140) or AS(201806281)
		if g[0] < 0 {
			g = m[4:6]
		}
		i := g[0] + r.IntN(g[1]-g[0])
		out = append(out, stableChange{"block id " + line[m[0]:m[1]], line[:i] + string('0'+(line[i]-'0'+1)%10) + line[i+1:]})
	}
	for _, w := range plainWord.FindAllStringIndex(line, -1) {
		if inVolatile(line, w[0]) || inVolatile(line, w[1]-1) {
			continue
		}
		i := w[0] + r.IntN(w[1]-w[0])
		c := line[i] ^ 0x01 // another letter of the same case
		if c < 'A' || (c > 'Z' && c < 'a') || c > 'z' {
			c = line[i] ^ 0x02
		}
		out = append(out, stableChange{fmt.Sprintf("word %q", line[w[0]:w[1]]), line[:i] + string(c) + line[i+1:]})
	}
	return out
}

// inVolatile says whether byte i of line is in a volatile part, or in a
// host name or address of any domain (a word there may be scrubbed).
func inVolatile(line string, i int) bool {
	for _, sp := range volatileSpans(line) {
		if sp.start <= i && i < sp.end {
			return true
		}
	}
	for _, m := range anyHost.FindAllStringIndex(line, -1) {
		if m[0] <= i && i < m[1] {
			return true
		}
	}
	return false
}

// anyHost is a dotted name, an address's domain, a bracketed token or a
// placeholder (golden fixtures hold them): words in those are not the
// words a reply says.
var anyHost = regexp.MustCompile(`\S+@\S+|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b|\[[^\]\s]*\]|<[A-Z-]+>`)

func bump(digits string) string {
	if digits == "9" || digits == "99" || digits == "999" {
		return "1"
	}
	var n int
	fmt.Sscan(digits, &n)
	return fmt.Sprint(n + 1)
}

func genMessageID(r *rand.Rand, m string) string {
	at := strings.IndexByte(m, '@')
	if strings.Contains(m[:at], "-") {
		return fmt.Sprintf("<%08x-%04x-%04x-%04x-%012x%s", r.Uint32(), r.IntN(1<<16), r.IntN(1<<16), r.IntN(1<<16), r.Uint64()>>16, m[at:])
	}
	return "<" + randTime(r).Format("20060102150405") + "." + strings.ToUpper(alnum(r, 9+r.IntN(3))) + m[at:]
}

// genHost replaces the first label of a host entirely (letters and
// digits, another length) and the digits of the labels after it, up to
// the service's domain (outlook.office365.com, mx.microsoft, ...).
func genHost(r *rand.Rand, m string) string {
	labels := strings.Split(m, ".")
	keep := 2 // outlook.com, outlook.cn, mx.microsoft
	if strings.HasSuffix(strings.ToLower(m), "outlook.office365.com") {
		keep = 3
	}
	first := fmt.Sprintf("%s%dP%d%sMB%04d", letters(r, 2+r.IntN(2)), r.IntN(10), r.IntN(1000), letters(r, r.IntN(3)), r.IntN(10000))
	if strings.ToLower(labels[0]) == labels[0] {
		first = strings.ToLower(first)
	}
	labels[0] = first
	for i := 1; i < len(labels)-keep; i++ {
		b := []byte(labels[i])
		for j, c := range b {
			if c >= '0' && c <= '9' {
				b[j] = byte('0' + r.IntN(10))
			}
		}
		labels[i] = string(b)
	}
	return strings.Join(labels, ".")
}

func genSizeRate(r *rand.Rand, _ string) string {
	size := 400 + r.IntN(200000)
	secs := 0.01 + r.Float64()*4
	return fmt.Sprintf("%d bytes in %.3f, %.3f KB/sec", size, secs, float64(size)/1024/secs)
}

func genDiag(r *rand.Rand, _ string) string {
	n := 1 + r.IntN(40)
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf("%d.%d:%08X", r.IntN(256), 1000+r.IntN(99000), r.Uint32())
		if r.IntN(8) == 0 {
			items[i] += fmt.Sprintf("%016X", r.Uint64())
		}
	}
	return strings.Join(items, ", ")
}

func randTime(r *rand.Rand) time.Time {
	return time.Unix(1_300_000_000+r.Int64N(600_000_000), r.Int64N(1e9)).UTC()
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

func letters(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + r.IntN(26))
	}
	return string(b)
}

func alnum(r *rand.Rand, n int) string {
	const set = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}
