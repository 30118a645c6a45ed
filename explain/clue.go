package explain

import (
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// clue is one piece of SMTP evidence the generic reader found in a paste:
// a server reply (with or without its code), or a failure without a reply
// (a socket, DNS or TLS error), with the stage the text names for it.
type clue struct {
	at    int    // logical line index
	start int    // byte offset of the clue in its line
	end   int    // end of the clue's own text in its line
	line  string // the logical line, for set-aside reporting
	reply *transcript.Reply
	err   transcript.Kind // a failure without a reply
	text  string          // the reply line or the error text, as evidence
	// stage is where the text places the clue ("" when it does not) and
	// from the words that say so; inferred: the stage is read from the
	// library's structure (an exception class, a stack frame) rather than
	// a named command.
	stage transcript.Stage
	from  string
	// errStage is the stage an error's own words imply (a DNS error at
	// resolve), weaker than a named stage.
	errStage transcript.Stage
	errWords string // the words of the error sign that matched
	// inner: the clue sits inside another clue's text (a reply a relay or
	// a library quotes); outer is that clue's index.
	inner bool
	outer int
	// client: a failure the client reports before the server judged (a
	// blank username, no common mechanism, no AUTH offered).
	client bool
	// weight orders clues of the same kind (rootcause.go).
	weight int
	// word: the failure is told in words (words.go), not a reply.
	word *wordRule
	// local: the reply is a local server's refusal of its own client
	// (localrelay.go), not Microsoft 365's.
	local *localMTA
	// named: the line itself names the step (a server's log of its own
	// refusal); place keeps the stage set with it.
	named bool
}

func (c *clue) failed() bool {
	if c.reply == nil {
		return c.err != ""
	}
	return c.reply.Class() >= 4
}

// positive: a reply that says something worked (250 queued, 235
// authenticated).
func (c *clue) positive() bool { return c.reply != nil && c.reply.Class() > 0 && c.reply.Class() < 4 }

// findClues reads every logical line for SMTP evidence, in order.
func findClues(ls []logical) []clue {
	var out []clue
	for i := range ls {
		cs := lineClues(i, ls[i].scanned(), &ls[i].words)
		if len(cs) == 0 {
			if c, ok := dsnStatusClue(ls, i); ok {
				cs = append(cs, c)
			}
		}
		out = append(out, cs...)
		if len(out) > 2*maxClues {
			out = keepEnds(out)
		}
	}
	if len(out) > maxClues {
		out = keepEnds(out)
	}
	return mergeMultiline(echoesDropped(out))
}

// A DSN's per-recipient fields (RFC 3464 section 2.3): "Status: 5.0.0"
// and "Diagnostic-Code: smtp; <the remote reply>", which some MTAs fill
// with the reply's words alone (ForwardEmail's bounce of Gmail's DMARC
// refusal: "Diagnostic-Code: smtp; Unauthenticated email from x is not
// accepted due to domain's DMARC policy").
var (
	dsnDiagRE   = lazyre.OnDemand(`(?i)^\s*Diagnostic-Code:\s*smtp;\s*(\S.*)$`)
	dsnStatusRE = lazyre.OnDemand(`(?i)^\s*Status:\s*([245]\.\d{1,3}\.\d{1,3})\s*$`)
)

// dsnStatusClue reads line i as a Diagnostic-Code without a reply code:
// the reply is the DSN's Status (a few lines around it) and the
// diagnostic's words, with the class's usual code (enhancedClue's rule).
func dsnStatusClue(ls []logical, i int) (clue, bool) {
	l := ls[i].scanned()
	if !strings.HasPrefix(strings.TrimSpace(window(l, 0, 40)), "Diagnostic-") {
		return clue{}, false
	}
	m := dsnDiagRE.Regexp().FindStringSubmatchIndex(window(l, 0, maxLineScan))
	if m == nil {
		return clue{}, false
	}
	for j := max(0, i-6); j < min(len(ls), i+7); j++ {
		st := dsnStatusRE.FindStringSubmatch(window(ls[j].scanned(), 0, 40))
		if st == nil || st[1][0] == '2' {
			continue
		}
		text := strings.TrimSpace(l[m[2]:m[3]])
		rep := &transcript.Reply{Code: codeFor(st[1], text), Enhanced: st[1], Lines: []string{st[1] + " " + text}}
		return clue{at: i, start: m[2], end: m[3], line: l, reply: rep, text: rep.Line()}, true
	}
	return clue{}, false
}

// echoesDropped drops the errors whose words are a reply's own text found
// elsewhere in the paste: the reporter quoting the exception ("we got a
// \"Connection timed out\" exception") above "SmtpCommandException: 4.4.1
// Connection timed out" is that reply, not a socket timeout of its own.
func echoesDropped(cs []clue) []clue {
	var texts []string
	for _, c := range cs {
		if c.reply != nil && c.reply.Enhanced != "" {
			texts = append(texts, strings.ToLower(c.reply.Text()))
		}
	}
	if len(texts) == 0 {
		return cs
	}
	out := cs[:0:0]
	for _, c := range cs {
		if c.reply == nil && c.word == nil && c.errWords != "" && echoes(texts, strings.ToLower(c.errWords)) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func echoes(texts []string, words string) bool {
	for _, t := range texts {
		if strings.Contains(t, words) {
			return true
		}
	}
	return false
}

// maxClues bounds the evidence kept from one paste: the first half (the
// greeting, the first refusal) and the last (the final refusal after
// retries, the end of a long log).
const maxClues = 400

func keepEnds(cs []clue) []clue {
	return append(cs[:maxClues/2], cs[len(cs)-maxClues/2:]...)
}

// lineClues finds the replies and errors of one logical line.
func lineClues(at int, l string, ws *wordSet) []clue {
	if !replyShape(l) {
		return append(phraseClues(at, l, ws), errorClues(at, l, ws)...)
	}
	var out []clue
	taken := func(pos int) bool {
		for _, c := range out {
			if pos >= c.start && pos < c.start+8 {
				return true
			}
		}
		return false
	}
	// continued: the code at pos repeats a multi-line reply's code found
	// earlier on the line ("530-5.7.0 Authentication Required. Learn more
	// at 530 5.7.0 https://..."): the same reply run together, not another.
	continued := func(pos int) bool {
		for _, c := range out {
			if c.reply != nil && c.start+3 < len(l) && l[c.start+3] == '-' && pos < c.end && l[pos:pos+3] == l[c.start:c.start+3] {
				return true
			}
		}
		return false
	}
	for _, pos := range replyCandidates(l) {
		switch {
		case taken(pos) || taken(pos-4) || continued(pos) || pos >= 4 && continued(pos-4):
		case replyCodeAt(l, pos), l[pos+1] != '.' && bareCodeAt(l, pos) && !prefixNumber(l, pos, ws):
			c := replyClue(at, l, pos, atoi(l[pos:pos+3]))
			if m, cmd, ok := localReject(l, pos, ws); ok {
				c.stage, c.from, c.named = localStage(cmd), m.name+"'s log names the refused command ("+cmd+")", true
				if !diagnosis.Greylisted(c.text) { // greylisting is a policy, not the relay's settings
					c.local, c.errWords = m, cmd
				}
			}
			out = append(out, c)
		case l[pos+1] == '.' && enhancedCodeAt(l, pos):
			if c, ok := enhancedClue(at, l, pos, ws); ok {
				out = append(out, c)
			}
		}
	}
	if !hasReply(out) {
		if c, ok := phraseClue(at, l, ws); ok {
			out = append(out, c)
		}
	}
	for _, c := range errorClues(at, l, ws) {
		if c.word != nil && c.word.level != library && hasReply(out) {
			continue // a notice's or the reporter's words beside a reply are the reply's own
		}
		if insideReply(out, c.start) {
			continue // "4.4.1 Connection timed out": the words are the reply's text, the reply decides
		}
		out = append(out, c)
	}
	sortClues(out)
	return nestClues(out)
}

// prefixNumber: the number at pos is a log's prefix (a process id, a
// line number: "510   SMTP<< 220 ...", "510   SMTP>> EHLO"), not a
// reply: a column gap or a direction marker follows it, another reply
// code follows within a few words, or no reply word does.
func prefixNumber(l string, pos int, ws *wordSet) bool {
	rest := l[pos+3:]
	if strings.HasPrefix(rest, "  ") || strings.HasPrefix(rest, "\t") || directionRE.MatchString(window(rest, 0, 16)) {
		return true
	}
	if len(rest) > 24 {
		rest = rest[:24]
	}
	for i := 0; i+3 <= len(rest); i++ {
		if startsReply(rest[i:]) && (i == 0 || !isDigit(rest[i-1])) {
			return true
		}
	}
	text := l[pos+3:]
	if len(text) > 200 {
		text = text[:200]
	}
	if smtpFailureCode[l[pos:pos+3]] && strings.TrimLeft(l[:pos], " \t>*|`'\"") != "" && (introduced(l[max(0, pos-48):pos]) || arrowBefore(l[max(0, pos-48):pos])) && len(text) > 1 && text[0] == ' ' && (isLetter(text[1]) || text[1] == '<') {
		return false // words that introduce a reply stand before it ("violation -> 550 Please ensure ...")
	}
	return strings.Trim(text, " \t`'\")") != "" && !hasReplyWords(text, ws) && !strings.HasPrefix(l[pos:], "2") && !strings.HasPrefix(l[pos:], "3")
}

// smtpFailureCode: the failure codes SMTP servers answer with (RFC 5321
// section 4.2.2/4.2.3, RFC 4954's 432/454/530/534/535/538, RFC 3207's
// 454, RFC 7504's 521/556): an HTTP status ("400 Bad Request", "404 Not
// Found") is none of them.
var smtpFailureCode = map[string]bool{
	"421": true, "432": true, "450": true, "451": true, "452": true, "454": true, "455": true,
	"500": true, "501": true, "502": true, "503": true, "504": true, "521": true, "530": true, "534": true, "535": true, "538": true,
	"550": true, "551": true, "552": true, "553": true, "554": true, "555": true, "556": true,
}

// directionRE: a log's direction marker after a prefix number, or the
// tag of an Exim debug line after its process id ("510 T: remote_smtp
// for ...", "509 R: dnslookup ...", "510 Connecting to ...").
var directionRE = lazyre.OnDemand(`^\s*(?:SMTP)?(?:<<|>>|<-|->|<~|~>)|^\s*[SC]:\s|^ [A-Z]: |^ (?:Connecting to|delivering|LOG:|tls_|DKIM) `)

func phraseClues(at int, l string, ws *wordSet) []clue {
	if c, ok := phraseClue(at, l, ws); ok {
		return []clue{c}
	}
	return nil
}

func hasReply(cs []clue) bool {
	for _, c := range cs {
		if c.reply != nil {
			return true
		}
	}
	return false
}

// phraseClue reads a Microsoft reply whose code the application dropped
// ("Error: Invalid login: Authentication unsuccessful, the request did not
// meet the criteria ..."): the catalog rows marked Telling are known by
// their words alone.
func phraseClue(at int, l string, ws *wordSet) (clue, bool) {
	if !ws.any(tellingWords) {
		return sentenceClue(at, l, ws) // sentences.go
	}
	for i := range catalog.Catalog {
		e := &catalog.Catalog[i]
		if !e.Telling || e.Pattern == nil {
			continue
		}
		loc := e.Pattern.Regexp().FindStringIndex(l)
		if loc == nil {
			continue
		}
		start := phraseStart(l, loc[0])
		text, end := replyText(l, start, l[start:])
		rep := &transcript.Reply{Code: e.Code, Enhanced: e.Enhanced, Lines: []string{text}}
		line := text
		if e.Enhanced != "" {
			line = e.Enhanced + " " + text
			rep.Lines = []string{line}
		}
		return clue{at: at, start: start, end: end, line: l, reply: rep, text: line}, true
	}
	return sentenceClue(at, l, ws)
}

// tellingKeys pre-filter lines for phraseClue: every Telling row's
// pattern contains one of them (TestTellingKeys).
var (
	tellingKeys = []string{"authenticat", "smtpclientauthentication", "criteria", "credentials", "tls", "starttls", "banned", "spamhaus", "block list",
		"sendasdenied", "quota", "maximum size", "maxsubmission", "recipient", "out-of-date", "dmarc", "reputation", "concurrent", "outboundspam", "wascl",
		"forwarding", "send as", "toolarge", "too large", "sendsizelimit", "hello first", "invalid mime", "thread limit", "mailbox unavailable", "dns query failed", "spam abuse", "exceeded threshold"}
	tellingWords = lex.add(tellingKeys...)
)

// phraseStart is where the reply text around a phrase at pos starts: after
// the last ": " before it (an application's prefix), else at the phrase.
func phraseStart(l string, pos int) int {
	if i := strings.LastIndex(l[:pos], ": "); i >= 0 {
		return i + 2
	}
	return pos
}

// replyClue reads the reply that starts at byte pos of l with code.
func replyClue(at int, l string, pos, code int) clue {
	rest := l[pos+3:]
	if pos > 0 && l[pos-1] == '(' {
		rest = strings.TrimPrefix(rest, ")") // "permanent error (550): Error: ..."
	}
	rest = strings.TrimLeft(rest, " -:,")
	rest = strings.TrimPrefix(strings.TrimPrefix(rest, "b'"), `b"`)
	rest = strings.TrimLeft(rest, `'"`) // Python 2's smtplib tuple: (535, '5.7.3 ...')
	text, end := replyText(l, pos, rest)
	if m := parenEnhancedRE.FindStringSubmatch(text); m != nil {
		text = m[1] + " " + strings.Trim(m[2], `'"`) // Stalwart's "554 (5.6.211) 'Invalid MIME ...'"
	}
	if q := quotedBefore(l, pos); q != "" && strings.TrimRight(text, ")") == transcript.ParseEnhanced(text) {
		// "`Recipient address rejected: ... SPF fail - not authorized.`
		// (550 5.7.23)": the codes in parentheses after the quoted words
		// are theirs.
		text = strings.TrimRight(text, ")") + " " + q
	}
	rep := &transcript.Reply{Code: code, Enhanced: enhancedOf(text), Lines: []string{text}}
	return clue{at: at, start: pos, end: end, line: l, reply: rep, text: strconv.Itoa(code) + " " + text}
}

// quotedBefore is the quoted text right before a reply code in
// parentheses ("`words` (550 5.7.23)", "\"words\" (550)"), "" when the
// code does not follow one.
func quotedBefore(l string, pos int) string {
	if pos < 3 || l[pos-1] != '(' {
		return ""
	}
	b := strings.TrimRight(l[:pos-1], " ")
	if b == "" || strings.IndexByte("`\"'", b[len(b)-1]) < 0 {
		return ""
	}
	q := b[len(b)-1]
	open := strings.LastIndexByte(b[:len(b)-1], q)
	if open < 0 || len(b)-open > 300 {
		return ""
	}
	return strings.TrimSpace(b[open+1 : len(b)-1])
}

// enhancedOf is the enhanced code that starts a reply text, also when
// prose ends its sentence on it ("with the status 550 5.5.3. I tried
// ..."): a code is its digits, not the punctuation after them.
func enhancedOf(text string) string {
	if e := transcript.ParseEnhanced(text); e != "" {
		return e
	}
	if m := enhancedPunctRE.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

var enhancedPunctRE = lazyre.OnDemand(`^#?([245]\.\d{1,3}\.\d{1,3})[.,;:)](?:\s|$)`)

// parenEnhancedRE: a reply text whose enhanced code is in parentheses and
// whose words are quoted after it.
var parenEnhancedRE = lazyre.OnDemand(`^\(([245]\.\d{1,3}\.\d{1,3})\)\s*(.*)$`)

// enhancedClue reads a reply text that starts with an enhanced code at pos
// and has no reply code: the code is the catalog's for that reply, or the
// class's usual one. A text that reads like no reply (a version number
// followed by prose) is not one.
func enhancedClue(at int, l string, pos int, ws *wordSet) (clue, bool) {
	if l[pos] == '#' {
		pos++
	}
	text, end := replyText(l, pos, l[pos:])
	enh := transcript.ParseEnhanced(text)
	if enh == "" || !hasReplyWords(text, ws) && catalogFor(enh, text) == nil && !networkStatus(enh, text) {
		return clue{}, false
	}
	rep := &transcript.Reply{Code: codeFor(enh, text), Enhanced: enh, Lines: []string{text}}
	return clue{at: at, start: pos, end: end, line: l, reply: rep, text: text}, true
}

// replyWords are words of server replies; an enhanced code followed by
// none of them and unknown to the catalog is likely a version number.
var (
	replyWords = lazyre.OnDemand(`(?i)denied|reject|refused|not |unable|fail|invalid|unknown|authenticat|relay|block|quota|limit|sender|recipient|mailbox|message|\bTLS|STARTTLS|SMTP|spam|policy|access|permission|unavailable|exceeded|try again|closing|\bOK\b|accepted|queued|required|throttl|banned|error|authoriz`)
	// replyWordKeys: every match of replyWords holds one of them.
	replyWordKeys = lex.add("denied", "reject", "refused", "not ", "unable", "fail", "invalid", "unknown", "authenticat", "relay", "block", "quota", "limit",
		"sender", "recipient", "mailbox", "message", "tls", "smtp", "spam", "policy", "access", "permission", "unavailable", "exceeded", "try again",
		"closing", " ok", "accepted", "queued", "required", "throttl", "banned", "error", "authoriz")
)

// hasReplyWords: text (a part of the line whose words are ws) holds a
// reply word.
func hasReplyWords(text string, ws *wordSet) bool {
	return ws.any(replyWordKeys) && replyWords.MatchString(text)
}

// replyText cuts the reply text that starts at rest (offset pos in l): at
// the quote that closes one opened just before the code, at a Postfix
// "(in reply to ... command)", and at the end of the line. end is the
// offset where the text ends in l.
func replyText(l string, pos int, rest string) (string, int) {
	restAt := len(l) - len(rest)
	cut := len(rest)
	if pos > 0 {
		if q := l[pos-1]; q == '\'' || q == '"' || q == '`' {
			if i := closingQuote(rest, q); i >= 0 {
				cut = i
			}
		} else if q == '>' {
			if i := strings.Index(rest, "</"); i > 0 {
				cut = i // an XML element's text ends at its closing tag
			}
		} else if pos > 1 && (l[pos-2:pos] == "'b" || strings.HasSuffix(l[:pos], "b'")) {
			if i := closingQuote(rest, '\''); i >= 0 {
				cut = i
			}
		}
	}
	if i := strings.Index(strings.ToLower(rest[:cut]), "(in reply to"); i >= 0 {
		cut = i
	}
	text := strings.TrimSpace(rest[:cut])
	text = strings.TrimRight(text, "'\",;)`")
	return strings.TrimSpace(text), restAt + cut
}

// closingQuote is the index in rest of the quote q that closes a quoted
// reply, -1 if none: for a single quote, not an apostrophe inside a word
// ("'550 5.1.90 Your message can't be sent ...'").
func closingQuote(rest string, q byte) int {
	for i := 0; i < len(rest); i++ {
		if rest[i] != q {
			continue
		}
		if q == '\'' && i > 0 && i+1 < len(rest) && isLetter(rest[i-1]) && isLetter(rest[i+1]) {
			continue
		}
		return i
	}
	return -1
}

// insideReply: position pos of the line falls inside the text of one of
// the refusals found on it (a success's text, as a run-on log line
// continues it, holds no failure of its own).
func insideReply(cs []clue, pos int) bool {
	for _, c := range cs {
		if c.reply != nil && c.reply.Class() >= 4 && pos >= c.start && pos < c.end {
			return true
		}
	}
	return false
}

// networkStatus: a failure's enhanced code of RFC 3463's "network and
// routing" class (X.4.X: "4.4.1 Connection timed out", "4.4.2 Bad
// connection") followed by words: a reply, whatever the words.
func networkStatus(enh, text string) bool {
	return len(enh) > 3 && enh[0] != '2' && enh[1:3] == ".4" && strings.ContainsAny(text[len(enh):], "abcdefghijklmnopqrstuvwxyz")
}
