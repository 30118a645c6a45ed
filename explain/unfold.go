package explain

import (
	"strings"
)

// Bounds of the generic reader: a paste is a conversation or an error
// message, not a mail spool. Past these, the rest of the text is not read
// for evidence (the known formats still see every line).
const (
	maxLogicalLines = 200000   // logical lines read for evidence, from both ends
	maxLineScan     = 16 << 10 // bytes of one logical line searched
	maxJoin         = 8        // physical lines folded into one logical line
)

// logical is one logical line of a paste: physical lines a log wrapped or
// folded joined again, JSON string escapes undone.
type logical struct {
	text  string
	first int     // index of the first physical line
	words wordSet // the lexicon's words in its first maxLineScan bytes
}

// scanned returns the text of l the reader searches: its first
// maxLineScan bytes.
func (l *logical) scanned() string {
	if len(l.text) > maxLineScan {
		return l.text[:maxLineScan]
	}
	return l.text
}

// unfold turns physical lines into logical lines for the generic reader:
//   - JSON- and JavaScript-escaped text ("...\n    at ...", \"quotes\")
//     is split at its escaped newlines and unescaped, as nodemailer's and
//     Magento's JSON logs write an error;
//   - a line that continues the one before is joined to it: indented
//     continuation lines of a Postfix bounce or a DSN field (RFC 5322
//     folding), and lines that close a bracket or parenthesis the line
//     before left open (a host name wrapped inside "[...]", a Python
//     tuple wrapped over lines).
//
// A paste longer than maxLogicalLines lines is read at both ends (its
// start names the setup, its end holds the final error); the middle of
// a huge log is not read for evidence.
func unfold(lines []string) []logical {
	var out []logical
	tail := tailStart(lines)
	for i := 0; i < len(lines); i++ {
		if len(out) >= maxLogicalLines/2 && i < tail {
			i = tail // the middle of a huge paste is not read
		}
		for _, part := range unescapeJSON(lines[i]) {
			if n := len(out); n > 0 && i > 0 && out[n-1].first+maxJoin > i && hardWrapped(lines[i-1], out[n-1].text, part) {
				out[n-1].text = strings.TrimRight(out[n-1].text, " \t") + " " + strings.TrimSpace(part)
				continue
			}
			out = appendLogical(out, part, i)
		}
	}
	for i := range out {
		out[i].words = lex.scan(out[i].scanned())
	}
	return out
}

// appendLogical adds part as a new logical line or folds it into the last.
func appendLogical(out []logical, part string, at int) []logical {
	if n := len(out); n > 0 && continues(out[n-1].text, part) && at-out[n-1].first < maxJoin && len(out[n-1].text) < maxLineScan {
		out[n-1].text = strings.TrimRight(out[n-1].text, " \t") + " " + strings.TrimSpace(part)
		return out
	}
	return append(out, logical{text: part, first: at})
}

// continues reports whether next continues prev rather than starting a
// new line: prev leaves a bracket or parenthesis open, or next is an
// indented continuation of a reply (folding) that is not a stack frame.
func continues(prev, next string) bool {
	t := strings.TrimSpace(next)
	if t == "" || strings.TrimSpace(prev) == "" || stackFrame(t) {
		return false
	}
	if open(prev, '[', ']') || open(prev, '(', ')') {
		return true
	}
	indented := next != strings.TrimLeft(next, " \t")
	if !indented && hasReplyShape(prev) && len(t) > 13 && strings.EqualFold(t[:13], "(in reply to ") {
		return true // Postfix's bounce with its folding lost in the paste
	}
	return indented && hasReplyShape(prev) && !startsReply(t)
}

// open: s has more opening than closing c1/c2 (bounded by the scan size).
func open(s string, c1, c2 byte) bool {
	if len(s) > maxLineScan {
		s = s[:maxLineScan]
	}
	return strings.Count(s, string(c1)) > strings.Count(s, string(c2))
}

// stackFrame: a frame of a Java, .NET, Node.js or Python stack trace.
func stackFrame(t string) bool {
	return strings.HasPrefix(t, "at ") || strings.HasPrefix(t, "File \"") || strings.HasPrefix(t, "#") && len(t) > 1 && t[1] >= '0' && t[1] <= '9'
}

// hasReplyShape: the line holds something like an SMTP reply (a reply
// code or an enhanced status code), so an indented next line may be its
// folded continuation.
func hasReplyShape(s string) bool {
	if len(s) > maxLineScan {
		s = s[:maxLineScan]
	}
	for _, pos := range replyCandidates(s) {
		if replyCodeAt(s, pos) || enhancedCodeAt(s, pos) || s[pos+1] != '.' && bareCodeAt(s, pos) {
			return true // "said: 550 SC-001" folds too
		}
	}
	return false
}

// startsReply: the line starts with its own reply code (RFC 5321 section
// 4.2.1: the second digit is 0 to 5, so "587 should work" is no reply).
func startsReply(t string) bool {
	return len(t) >= 3 && t[0] >= '2' && t[0] <= '5' && t[1] >= '0' && t[1] <= '5' && isDigit(t[2]) && (len(t) == 3 || t[3] == ' ' || t[3] == '-')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// unescapeJSON splits a line at JSON/JS escaped newlines and undoes the
// common escapes, when the line has them; otherwise it is returned as is.
// A line yields at most maxParts parts (the rest stays in the last).
func unescapeJSON(l string) []string {
	if !strings.Contains(l, `\n`) && !strings.Contains(l, `\"`) && !strings.Contains(l, `\\`) && !strings.Contains(l, `\t`) {
		return []string{l}
	}
	if len(l) > maxUnescape {
		l = l[:maxUnescape]
	}
	return strings.SplitN(jsonEscapes.Replace(l), "\n", maxParts)
}

// jsonEscapes undoes the escapes of a JSON or JavaScript string.
var jsonEscapes = strings.NewReplacer(`\r\n`, "\n", `\n`, "\n", `\r`, "", `\t`, "\t", `\"`, `"`, `\'`, "'", `\\`, `\`, `\/`, "/")

// maxParts bounds the logical lines one physical line yields, and
// maxUnescape the bytes of it that are unescaped (a JSON log line with a
// long stack trace: the error is in its first lines).
const (
	maxParts    = 512
	maxUnescape = 256 << 10
)

// tailStart is the first physical line of the paste's tail: the last
// lines that yield about maxLogicalLines/2 logical lines.
func tailStart(lines []string) int {
	n := 0
	for i := len(lines) - 1; i >= 0; i-- {
		n += min(strings.Count(window(lines[i], 0, maxLineScan), `\n`), maxParts) + 1
		if n >= maxLogicalLines/2 {
			return i
		}
	}
	return 0
}

// hardWrapped: next continues a refusal that a mail client or the paste
// wrapped at a fixed width with its indentation lost ("550 SC-001 ...
// Unfortunately, messages from" / "weren't sent. Please contact ..." /
// "... (in reply to MAIL" / "FROM command)"): the line before is long
// (50 bytes or more, as wrapped text is), the logical line so far holds a
// failure's reply code, and next starts with a word, not a reply, a log
// line or a field.
func hardWrapped(physPrev, logical, next string) bool {
	if len(physPrev) < 50 || len(physPrev) > 200 || next == "" || next != strings.TrimLeft(next, " \t") {
		return false
	}
	c := next[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '(' || c == '[') || startsReply(next) || headerLike(next) {
		return false
	}
	head := window(logical, 0, 256)
	for i := 0; i+3 <= len(head); i++ {
		if (head[i] == '4' || head[i] == '5') && startsReply(head[i:]) && (i == 0 || head[i-1] == ' ') {
			return true
		}
	}
	return false
}

// headerLike: a line that starts a field or a log entry ("Reporting-MTA:",
// "Diagnostic-Code:", "2024-01-05 ...", "Jan  3 10:00:01").
func headerLike(s string) bool {
	f, _, ok := strings.Cut(window(s, 0, 40), " ")
	return ok && strings.HasSuffix(f, ":") || len(s) > 3 && isDigit(s[0])
}
