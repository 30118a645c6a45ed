package explain

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// unpaste undoes what the way a text travelled did to it before it reached
// a ticket, so that every reader sees the text as the program wrote it:
//
//   - a web page, a chat or a word processor turned spaces into no-break
//     or zero-width characters and quotes into typographic ones;
//   - a page's source, a ticket system or a JSON field escaped it as HTML
//     ("550 5.7.1 &lt;user@example.com&gt;");
//   - a web form or a chat ran a log's lines into one ("S: 220 ... C: EHLO
//     ... S: 250 ...");
//   - an email reply quoted it ("> 535 5.7.139 ...", nested "> > "), or
//     quoted a part of it under its own words;
//   - `docker logs -t` or `kubectl logs --timestamps` put the time before
//     every line the program wrote, stack frames included, or a process
//     runner its name (docker compose, turborepo);
//   - a raw message source kept quoted-printable's soft line breaks
//     ("Please check the recipien=" / "t's e-mail address");
//   - a Markdown code block or a forum indented every line;
//   - a rich-text copy doubled every line break;
//   - a mail client or a ticket system wrapped it at a fixed width, so a
//     reply or a log record runs over several lines (reflow).
//
// Each step only acts when the whole text shows its trace (every line
// quoted, every line indented alike, every break doubled, a width no line
// exceeds), so a text that was not treated so is left as it is. Every
// step is linear in the size of the text.
func unpaste(lines []string) []string {
	lines = unflatten(lines)
	lines = unquote(lines)
	lines = unprefix(unstamp(unrefer(lines)))
	lines = unQP(lines)
	lines = undouble(lines)
	// A part quoted under the reporter's words is found once the whole
	// text's indentation and doubled breaks are gone.
	lines = unquoteBlocks(dedent(lines))
	// A wrap made before the indentation keeps it on every line; one made
	// after leaves the continuations at the margin: dedent on both sides.
	// A run-together log line that a wrap broke is whole again after
	// reflow: split it at its records then.
	return dedent(splitRecords(reflow(lines)))
}

// plainText undoes the character-level changes (HTML escaping, typographic
// spaces and quotes), which hold for a single reply line as for a paste.
func plainText(text string) string {
	if strings.Contains(text, "&") && hasEntity(text) {
		text = html.UnescapeString(text)
	}
	if !utf8.ValidString(text) || strings.IndexFunc(text, fancy) < 0 {
		return text
	}
	return plainChars.Replace(text)
}

// plainChars maps the characters rich text puts where a program wrote
// ASCII: no-break and typographic spaces, zero-width marks and the byte
// order mark, typographic quotes (Word's and Outlook's autocorrect).
var plainChars = strings.NewReplacer(
	"\u00a0", " ", "\u2002", " ", "\u2003", " ", "\u2007", " ", "\u2009", " ", "\u200a", " ", "\u202f", " ", "\u205f", " ", "\u3000", " ",
	"\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "",
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201c", `"`, "\u201d", `"`, "\u201e", `"`,
)

func fancy(r rune) bool {
	switch r {
	case '\u00a0', '\u2002', '\u2003', '\u2007', '\u2009', '\u200a', '\u202f', '\u205f', '\u3000',
		'\u200b', '\u200c', '\u200d', '\u2060', '\ufeff',
		'\u2018', '\u2019', '\u201a', '\u201c', '\u201d', '\u201e':
		return true
	}
	return false
}

// hasEntity: the text holds one of the entities HTML escaping writes for
// the characters SMTP texts use (angle brackets around addresses, quotes,
// ampersands in URLs, no-break spaces).
func hasEntity(text string) bool {
	for _, e := range []string{"&lt;", "&gt;", "&amp;", "&quot;", "&#39;", "&#34;", "&#x27;", "&nbsp;", "&#60;", "&#62;"} {
		if strings.Contains(text, e) {
			return true
		}
	}
	return false
}

// nonBlank counts the lines that hold more than white space.
func nonBlank(lines []string) int {
	n := 0
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

// unquote strips the email quote marker every non-blank line starts with
// ("> ", ">", nested to a few levels). A capture whose own lines carry
// arrows has lines of both directions, so never all ">".
func unquote(lines []string) []string {
	if nonBlank(lines) < 2 {
		return lines
	}
	for level := 0; level < 4; level++ {
		for _, l := range lines {
			if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, ">") {
				return lines
			}
		}
		out := make([]string, len(lines))
		for i, l := range lines {
			l = strings.TrimPrefix(l, ">")
			out[i] = strings.TrimPrefix(l, " ")
		}
		lines = out
	}
	return lines
}

// unquoteBlocks strips the quote marker from each run of at least
// minQuoted lines that all carry it, in a text whose other lines do not
// (a reply that quotes the bounce under its own words, "My server is not
// blacklisted"), and the indentation the run's lines share. A capture
// with lines of both directions ("> EHLO" and "< 250", curl -v) is left
// as it is.
func unquoteBlocks(lines []string) []string {
	const minQuoted = 3
	for _, l := range lines {
		if strings.HasPrefix(l, "<") {
			return lines
		}
	}
	var out []string
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && strings.HasPrefix(lines[j], ">") {
			j++
		}
		if j-i < minQuoted {
			if j == i {
				j++
			}
			out = append(out, lines[i:j]...)
			i = j
			continue
		}
		out = append(out, dedent(unquote(lines[i:j]))...)
		i = j
	}
	return out
}

// dedent strips the white space every non-blank line starts with (a
// Markdown code block, a forum's quote): folded continuations keep the
// indentation they have beyond it.
func dedent(lines []string) []string {
	prefix, set := "", false
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		lead := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if !set {
			prefix, set = lead, true
			continue
		}
		for !strings.HasPrefix(lead, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
		if prefix == "" {
			return lines
		}
	}
	if prefix == "" {
		return lines
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimPrefix(l, prefix)
	}
	return out
}

// undouble removes the blank line a rich-text copy put after every line.
// The copy doubles every break, so no two non-blank lines are adjacent
// and every run of blank lines has an odd length (a blank line of the
// original becomes three). A message of one-line paragraphs looks the
// same when short, so the text must also show a doubled blank line or be
// long enough to be a log. Each run of blank lines then loses one in two.
func undouble(lines []string) []string {
	nb := nonBlank(lines)
	if nb < 4 {
		return lines
	}
	run, long := 0, false
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			run++
			continue
		}
		if i > 0 && run == 0 || run%2 == 0 && run > 0 {
			return lines
		}
		long = long || run >= 3
		run = 0
	}
	if !long && nb < 10 {
		return lines
	}
	out := make([]string, 0, len(lines)/2+1)
	run = 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			run++
			if run%2 == 1 {
				continue // the blank line the copy added after a line
			}
		} else {
			run = 0
		}
		out = append(out, l)
	}
	return out
}

// unQP joins quoted-printable's soft line breaks (RFC 2045 §6.7: a line
// that ends in "=" continues on the next) and decodes the escapes in the
// lines so joined ("=3D", "=20", "=E2=80=99"), when at least two lines
// of prose end so: one line ending in "=" is more often base64's padding
// or a field left empty. Lines not broken so are left as they are, since
// "timeout=300" is not quoted-printable.
func unQP(lines []string) []string {
	soft := 0
	for _, l := range lines {
		if qpSoft(l) {
			soft++
		}
	}
	if soft < 2 {
		return lines
	}
	out := make([]string, 0, len(lines))
	var cur strings.Builder
	in := false
	for _, l := range lines {
		if qpSoft(l) && cur.Len() < maxQPJoin {
			cur.WriteString(strings.TrimSuffix(l, "="))
			in = true
			continue
		}
		if in {
			cur.WriteString(l)
			out = append(out, qpDecode(cur.String()))
			cur.Reset()
			in = false
			continue
		}
		out = append(out, l)
	}
	if in {
		out = append(out, qpDecode(cur.String()))
	}
	return out
}

// maxQPJoin bounds a line unQP joins: a paragraph of a message, not a
// paste of soft breaks without end.
const maxQPJoin = 4096

// qpSoft: l ends in a soft line break of quoted-printable prose (a space
// inside, and not base64's "==" or an empty "x=" field).
func qpSoft(l string) bool {
	return len(l) >= 40 && len(l) <= 78 && strings.HasSuffix(l, "=") && !strings.HasSuffix(l, "==") && strings.Contains(l, " ")
}

// qpDecode undoes "=XX" escapes when what they make is valid UTF-8.
func qpDecode(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	if d := b.String(); utf8.ValidString(d) {
		return d
	}
	return s
}

func isHex(c byte) bool { return isDigit(c) || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	if isDigit(c) {
		return c - '0'
	}
	return c - 'A' + 10
}

// stampRE: the RFC 3339 time `docker logs -t` and `kubectl logs
// --timestamps` put before each line, and the space after it.
var stampRE = lazyre.OnDemand(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) `)

// unstamp strips the container runtime's timestamp when every non-blank
// line has one: the program's own prefix (nodemailer's "[2024-01-05
// 10:00:01] DEBUG", a log's "2024-01-05 10:00:01") is what stays.
func unstamp(lines []string) []string {
	if nonBlank(lines) < 2 {
		return lines
	}
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && (len(l) < 21 || l[10] != 'T' || !stampRE.MatchString(window(l, 0, 40))) {
			return lines
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if loc := stampRE.Regexp().FindStringIndex(window(l, 0, 40)); loc != nil {
			l = l[loc[1]:]
		}
		out[i] = l
	}
	return out
}

// unrefer strips the suffix Apache's error log adds to what a PHP
// program wrote to it (", referer: https://host/page.php"): PHPMailer's
// debug lines end "\r\n, referer: ..." there, and the CRLF it quotes
// must end the line again.
func unrefer(lines []string) []string {
	var out []string
	for i, l := range lines {
		j := strings.LastIndex(l, ", referer: ")
		if j < 0 || strings.ContainsAny(strings.TrimSpace(l[j+len(", referer: "):]), " \t") {
			continue // the suffix is one URL to the line's end
		}
		if out == nil {
			out = append([]string(nil), lines...)
		}
		out[i] = l[:j]
	}
	if out == nil {
		return lines
	}
	return out
}

// runnerPrefixRE: the prefix a process runner puts before every line of
// the program it runs: docker compose's service ("web-1  | ", "app_1  |
// "), turborepo's package and task ("@calcom/web:start: ").
var runnerPrefixRE = lazyre.OnDemand(`^(?:[\w.-]+[-_]\d+\s+\| |@[\w.-]+/[\w.-]+:[\w-]+: )`)

// unprefix strips a process runner's prefix from each run of at least
// three lines that carry the same one (the program's own lines, stack
// frames and all, follow it).
func unprefix(lines []string) []string {
	var out []string
	changed := false
	for i := 0; i < len(lines); {
		p := ""
		if head := window(lines[i], 0, 80); strings.HasPrefix(head, "@") || strings.Contains(head, "| ") {
			p = runnerPrefixRE.Regexp().FindString(head)
		}
		bare := strings.TrimRight(p, " ") // a blank line of the program's: "app_1  |"
		j := i + 1
		for p != "" && j < len(lines) && (strings.HasPrefix(lines[j], p) || strings.TrimRight(lines[j], " ") == bare) {
			j++
		}
		if p == "" || j-i < 3 {
			out = append(out, lines[i])
			i++
			continue
		}
		for _, l := range lines[i:j] {
			if strings.HasPrefix(l, p) {
				out = append(out, l[len(p):])
			} else {
				out = append(out, "")
			}
		}
		changed = true
		i = j
	}
	if !changed {
		return lines
	}
	return out
}
