package explain

import (
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// Bounds of reflow: the widths mail clients and ticket systems wrap at
// (RFC 5322 §2.1.1 recommends 78; clients use 66 to 80, some forums 100),
// and how many physical lines one record may have been broken into.
const (
	minWrapWidth  = 40
	maxWrapWidth  = 100
	maxWrapPieces = 16
)

// reflow joins the lines a fixed-width wrap broke. A text was wrapped at
// width w when no line is longer than w and several lines reach nearly
// w; a line then continues the one before exactly when its first word
// would not have fitted there (the greedy wrap's own rule) and it does
// not start a record of its own (a reply, a log entry, a field, an arrow,
// a stack frame, a list item, or the same first word as the line before,
// as a log's records share). Lines that were short in the program's
// output stay apart, since their next word would have fitted.
func reflow(lines []string) []string {
	w, weak := wrapWidth(lines)
	if w == 0 {
		return lines
	}
	out := make([]string, 0, len(lines))
	pieces := 0
	for i, l := range lines {
		if n := len(out); n > 0 && pieces < maxWrapPieces && wrappedBefore(lines[i-1], l, w) && (!weak || plainlyContinues(lines[i-1], l)) {
			out[n-1] = strings.TrimRight(out[n-1], " ") + " " + l
			pieces++
			continue
		}
		out = append(out, l)
		pieces = 1
	}
	return out
}

// wrapWidth is the width the text was wrapped at, or 0 when it shows no
// fixed-width wrap: its longest line that a wrap could have broken (one
// whose first word is shorter than any width clients wrap at; a path or
// a blob longer than that stays whole), when that is a width clients
// wrap at and at least two lines that reach within ten characters of it
// are followed by a line that may continue them (weak: only one is).
func wrapWidth(lines []string) (w int, weak bool) {
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if sp := strings.IndexByte(strings.TrimLeft(l, " \t"), ' '); sp < 0 || sp >= minWrapWidth {
			continue // one unbreakable word: the wrap left it whole
		}
		n := utf8.RuneCountInString(l)
		if n > maxWrapWidth {
			return 0, false
		}
		w = max(w, n)
	}
	if w < minWrapWidth {
		return 0, false
	}
	near := 0
	for i := 0; i+1 < len(lines) && near < 2; i++ {
		if utf8.RuneCountInString(strings.TrimRight(lines[i], " \t")) >= w-10 && wrappedBefore(lines[i], lines[i+1], w) {
			near++
		}
	}
	if near == 0 {
		return 0, false
	}
	// One break is weak evidence (the longest line of a text that was
	// not wrapped is followed by something too): it joins only a line that
	// plainly continues the one before ("... this address is" /
	// "restricted.", "...[65.55.111.171]: 450" / "4.2.0 <a@b>: Recipient").
	return w, near < 2
}

// wrappedBefore: next is the rest of prev, broken at width w.
func wrappedBefore(prev, next string, w int) bool {
	prev = strings.TrimRight(prev, " \t")
	if prev == "" || next == "" || next[0] == ' ' || next[0] == '\t' {
		return false
	}
	first, _, _ := strings.Cut(next, " ")
	if sentenceEnd(prev) && !isLower(next[0]) && !hostBracket(next) || strings.IndexFunc(first, ideographic) >= 0 {
		// A sentence that ends where the next line starts capitalised is
		// most often two lines; text without spaces between its words
		// (Chinese, Japanese) is not wrapped at spaces.
		return false
	}
	// Wrappers differ by one or two in how they count the width. A short
	// line before a long word is the wrap's too ("to=<a@b>," alone, as
	// "relay=host[ip]:25," did not fit after it).
	if utf8.RuneCountInString(prev)+1+utf8.RuneCountInString(first) <= w-2 {
		return false
	}
	// A line that is one base64 word (LOGIN's answers) stays alone, so
	// that the redaction still sees it alone (redact.go's alone).
	rec := startsRecord(next, prev)
	if rec && strings.HasSuffix(prev, ":") && (startsReply(next) || capsWord(first)) {
		// A log's label ends the line and its content starts the next
		// ("... MCOSMTPSession:" / "STARTTLS", "SERVER -> CLIENT:" /
		// "250-..."): the program wrote them as one record.
		rec = false
	}
	if rec && openBracket(prev) && closesBracket(next) {
		// Inside a bracket no record starts: Microsoft's "[HOST
		// 2023-01-24T10:49:45.194Z 08DAFD75B2194F44]" broke at its date.
		rec = false
	}
	return !rec && !loneToken(next) && !loneToken(prev)
}

// openBracket: s leaves a '[' open (the last '[' after the last ']').
func openBracket(s string) bool {
	return strings.LastIndexByte(s, '[') > strings.LastIndexByte(s, ']')
}

// closesBracket: s closes a bracket before it opens one.
func closesBracket(s string) bool {
	c := strings.IndexByte(s, ']')
	return c >= 0 && (strings.IndexByte(s, '[') < 0 || strings.IndexByte(s, '[') > c)
}

// plainlyContinues: next is the rest of prev whatever the wrap width
// (weak evidence of a wrap joins only these): it starts in lower case,
// mid-sentence; it holds the text of a reply whose code ends prev; it
// closes a bracket or an inline code's backtick that prev left open; or
// it starts with an address literal ("read tcp" / "[2601:85::14]:64383").
func plainlyContinues(prev, next string) bool {
	if isLower(next[0]) || endsInCode(prev) || addrLiteral(next) {
		return true
	}
	if openBracket(prev) && closesBracket(next) {
		return true
	}
	return strings.Count(prev, "`")%2 == 1 && strings.Count(next, "`")%2 == 1
}

// addrLiteral: s starts with an IP address in brackets.
func addrLiteral(s string) bool {
	if len(s) < 3 || s[0] != '[' {
		return false
	}
	end := strings.IndexByte(window(s, 0, 48), ']')
	if end < 0 {
		return false
	}
	_, err := netip.ParseAddr(s[1:end])
	return err == nil
}

// loneToken: l is a single word of base64's alphabet (a credential's
// shape), not a word of prose or a command ("STARTTLS").
func loneToken(l string) bool {
	f := strings.Fields(l)
	if len(f) != 1 || len(f[0]) < 8 || plainWord(f[0]) || recordWords[f[0]] {
		return false
	}
	return base64TokRE.Regexp().FindString(f[0]) == f[0]
}

// startsRecord: next begins an entry of its own rather than continuing
// the line before.
func startsRecord(next, prev string) bool {
	lw := lastWord(prev)
	if startsReply(next) || stackFrame(next) || numberStarts(next, lw) || !hasAlnum(next) {
		return true
	}
	if f, _, ok := strings.Cut(window(next, 0, 40), " "); ok && strings.HasSuffix(f, ":") && f[0] >= 'A' && f[0] <= 'Z' {
		return true // a field is capitalised ("Diagnostic-Code:"); "was: 5.7.0" continues
	}
	// ... and the direction words of debug logs: Python smtplib's
	// "send: '...'" / "reply: b'...'", CPP-SMTPClient's "c: " / "s: ".
	for _, p := range []string{"S:", "C:", "S ", "C ", "< ", "> ", "<<", ">>", "<-", "->", "- ", "* ", "• ", "|", "#", "`", "send: ", "reply: ", "connect: ", "c: ", "s: "} {
		if strings.HasPrefix(next, p) {
			return true
		}
	}
	if logBracket(next) {
		return true
	}
	pf, _, _ := strings.Cut(prev, " ")
	nf, _, _ := strings.Cut(next, " ")
	// A record's date or time ends the line before when a wrap broke the
	// record after it ("... 2018-02-07" / "11:38:22 CLIENT -> SERVER").
	return pf == nf || capsWord(nf) && !leadsOn[lw] && !clockRE.MatchString(lw) ||
		strings.HasPrefix(next, "SMTP -> ") || strings.HasPrefix(next, "SMTP<<") || strings.HasPrefix(next, "SMTP>>")
}

// leadsOn are last words of a line that a command word continues:
// "(in reply to MAIL" / "FROM command)", "anonymous mail during" / "MAIL
// FROM", "the reply to" / "EHLO".
var leadsOn = map[string]bool{
	"MAIL": true, "RCPT": true, "of": true, "to": true, "during": true, "after": true, "before": true,
	"at": true, "on": true, "for": true, "the": true, "a": true, "an": true, "with": true, "sending": true,
}

// numberStarts: next starts with the number a record starts with (a
// date, a syslog date, a time, a line or list number), unless the line
// before leads on to it: "port" / "25.", a record's date / its time.
func numberStarts(next, lw string) bool {
	if syslogDateRE.MatchString(window(next, 0, 16)) {
		return true
	}
	return logNumber(next) && lw != "port" && !(isoDateRE.MatchString(lw) && clockRE.MatchString(next))
}

// lastWord is the last space-separated word of s.
func lastWord(s string) string {
	return s[strings.LastIndexByte(s, ' ')+1:]
}

// hostBracket: s starts with the bracket Microsoft ends its replies with,
// "[SN4PR0601CA0005.namprd06.prod.outlook.com 2024-10-24T09:08:15...]",
// which a wrap may put after the reply's last sentence.
func hostBracket(s string) bool {
	if len(s) < 4 || s[0] != '[' {
		return false
	}
	host, _, _ := strings.Cut(s[1:], " ")
	host = strings.TrimSuffix(host, "]")
	return strings.Count(host, ".") >= 2 && !isDigit(host[0]) && strings.IndexFunc(host, func(r rune) bool {
		return !(r == '.' || r == '-' || r >= '0' && r <= '9' || r|0x20 >= 'a' && r|0x20 <= 'z')
	}) < 0
}

// capsWord: a word that starts a record of its own: an SMTP command
// ("EHLO", "MAIL FROM:"), a log level ("ERROR", "ERRO[0050]", "DEBUG:")
// or a log's direction ("CLIENT -> SERVER", "SMTP -> FROM SERVER"); "SMTP
// host." continues "Could not connect to". "FROM" after a line that ends
// in "MAIL" continues Postfix's "(in reply to MAIL FROM command)".
func capsWord(w string) bool {
	n := 0
	for n < len(w) && w[n] >= 'A' && w[n] <= 'Z' {
		n++
	}
	if n < 3 || n < len(w) && strings.IndexByte("[:(", w[n]) < 0 {
		return false
	}
	return recordWords[w[:n]]
}

var recordWords = map[string]bool{
	"EHLO": true, "HELO": true, "MAIL": true, "RCPT": true, "DATA": true, "BDAT": true, "QUIT": true, "AUTH": true,
	"STARTTLS": true, "RSET": true, "NOOP": true, "VRFY": true,
	"ERROR": true, "ERRO": true, "WARN": true, "WARNING": true, "INFO": true, "DEBUG": true, "DEBU": true,
	"TRACE": true, "TRAC": true, "FATAL": true, "NOTICE": true, "CRIT": true, "CLIENT": true, "SERVER": true,
}

// logNumber: next starts with a date, a time, a line number or a list
// item's number ("2024-01-05", "10:00:01", "3.", "12 "), as a record
// does; a long number glued to words ("68894361679680:error:...", an
// OpenSSL error's process id) continues the line before.
func logNumber(next string) bool {
	i := 0
	for i < len(next) && isDigit(next[i]) {
		i++
	}
	if i == 0 || i > 4 || ipv4RE.MatchString(window(next, 0, 16)) || enhancedRE.MatchString(window(next, 0, 10)) {
		return false // "52.98.16.198:587: i/o timeout" continues "dial tcp", "5.7.1" continues "said: 550"
	}
	if i < len(next)-1 && next[i] == '.' && isDigit(next[i+1]) {
		// A dotted number is a version ("8.0.9200.16384 ready at")
		// unless it is a day.month.year date, as German logs start.
		return dottedDateRE.MatchString(window(next, 0, 12))
	}
	return i == len(next) || strings.IndexByte("-/:. )]", next[i]) >= 0
}

var (
	ipv4RE     = lazyre.OnDemand(`^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)
	enhancedRE = lazyre.OnDemand(`^[245]\.\d{1,3}\.\d{1,3}\b`) // RFC 3463's status code
	isoDateRE  = lazyre.OnDemand(`^\[?\d{4}-\d\d-\d\d$`)
	clockRE    = lazyre.OnDemand(`^\d\d:\d\d:\d\d(?:[.,]\d+)?\]?(?:\s|$)`)
	// syslogDateRE: a syslog record's date, "Oct 24 09:08:11".
	syslogDateRE = lazyre.OnDemand(`^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d`)
	// dottedDateRE: "03.12.2026 " or "3.12.26,", day then month.
	dottedDateRE = lazyre.OnDemand(`^(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:\d{4}|\d{2})(?:[\s,]|$)`)
)

// hasAlnum: s holds a letter or a digit (a fence, a rule of dashes, a
// lone bracket hold none).
func hasAlnum(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return r < 128 && (r >= '0' && r <= '9' || r|0x20 >= 'a' && r|0x20 <= 'z') || r >= 128
	}) >= 0
}

// sentenceEnd: s ends a sentence (a label's ':' is followed by its
// content: "The server response was:" / "If MAIL FROM is local ...").
func sentenceEnd(s string) bool {
	return strings.IndexByte(".!?", s[len(s)-1]) >= 0
}

// ideographic: a rune of a script written without spaces between words.
func ideographic(r rune) bool { return r >= 0x2e80 && r <= 0x9fff || r >= 0xff00 && r <= 0xffef }

// logBracket: next starts with a log entry's date or counter in brackets
// ("[2024-01-05 ...", "[12:00:01]", "[12345]"), not an address literal
// ("[104.47.21.36]:25 ... connected" continues a line).
func logBracket(next string) bool {
	if len(next) < 3 || next[0] != '[' {
		return false
	}
	if addrLiteral(next) {
		return false // "[2601:85::14]:64383->..." continues "read tcp"
	}
	i := 1
	for i < len(next) && isDigit(next[i]) {
		i++
	}
	return i > 1 && i < len(next) && strings.IndexByte("-/:]", next[i]) >= 0
}

// endsInCode: s ends with a reply code, its text on the next line.
func endsInCode(s string) bool {
	s = strings.TrimRight(s, " \t")
	if sp := strings.LastIndexByte(s, ' '); sp >= 0 && enhancedRE.MatchString(s[sp+1:]) {
		s = s[:sp] // "...[65.55.111.171]: 450 4.2.0" / "<a@b>: Recipient ..."
	}
	return len(s) >= 4 && s[len(s)-4] == ' ' && startsReply(s[len(s)-3:])
}
