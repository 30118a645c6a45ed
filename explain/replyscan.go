package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// The generic reader finds replies at candidate positions: a digit 2 to
// 5 that starts a three-digit number or an enhanced status code (and is
// not inside a longer number). The expressions below are anchored at the
// candidate and read a few dozen bytes around it, so a line costs one
// byte scan plus a bounded amount of matching per candidate, however
// long the line is.

// maxCandidates bounds the candidates read on one line.
const maxCandidates = 32

var (
	// replyAt: a reply code followed by an enhanced status code ("550
	// 5.7.606", "535-5.7.8", MailKit's "535: 5.7.139", Python's "(535,
	// b'5.7.139", Stalwart's "554 (5.6.211)", an NDR's "550, 5.1.8, Access
	// Denied"); the classes agree, or both
	// are failures (sameClass).
	replyAt = lazyre.OnDemand(`^([245][0-5]\d)(?:[ -]|: |, b?['"]|, | \()#?([245])\.[0-7]\.\d{1,3}\b`)
	// bareAt: a reply code without an enhanced code (the last word of a
	// quoted message: libcurl's "`... MAIL failed: 530`"; in parentheses
	// before the text: Vaultwarden's "permanent error (550): Error: content
	// rejected").
	bareAt = lazyre.OnDemand("^([245][0-5]\\d)(?:[ -]|\\):\\s|,\\s*b?['\"]|[`'\")]*$)")
	// The subject of an enhanced code is 0 to 7 (RFC 3463 section 3), so
	// a version number ("WordPress: 4.9.5") is not one.
	// enhancedAt: an enhanced status code that starts a reply text whose
	// code the paste dropped ("5.7.57 SMTP; Client was not ...", as
	// System.Net.Mail and Magento show it).
	enhancedAt = lazyre.OnDemand(`^#?([245])\.[0-7]\.\d{1,3}\s+(?:\.\.\.\s*)?[A-Za-z\[(]`)
	// introBefore: words that introduce a reply code standing without an
	// enhanced code (Postfix "said:", .NET "The server response was:",
	// Stalwart "with code", "Error: 550 ...", libcurl's "MAIL failed: 530"
	// and "RCPT failed: 550": libcurl names the command and gives only the
	// code; nodemailer's "Message failed: 550 ...", "Invalid login: 535
	// ..."), an exception's class ("Net::SMTPFatalError: 550 relay access
	// denied", Jakarta's "SMTPAddressFailedException: 550 I cannot deliver
	// mail for <x>"), gomail's "could not send email 1: 501 ..."), a DSN's
	// diagnostic type ("Diagnostic-Code: smtp;550 DY-001 ...", RFC 3464
	// section 2.3.6), Outlook's "Server Response:" in the user's language
	// ("reactie van server: '550 ...'", "Serverantwort:", "Réponse du
	// serveur :").
	introBefore = lazyre.OnDemand(`(?i)(?:\bsaid:|response was:|response is:|responded with:|returned\s*['"]?|received:|server message:|with message\s*["']|response:\s*b?['"]|server response:|\bafter (?:pipelined )?(?:RCPT TO|MAIL FROM|end of data|DATA|AUTH|EHLO|HELO|STARTTLS|initial connection)\S{0,200}:|error_message:|\bmsg:|\bmessage:|<(?:message|error|errorMessage|response|reply|detail|description)>|\bgot:|smtp error:|reactie van server:|serverantwort:|réponse du serveur ?:|respuesta del servidor:|risposta del server:|resposta do servidor:|odpowiedź serwera:|\berror:|reply:|answer(?:ed)?:|with code|reply code|smtp code|\b(?:MAIL|RCPT|AUTH|DATA|EHLO|HELO|STARTTLS|QUIT|message|command|sending|delivery|send) failed:|invalid login:|[a-z](?:error|exception):|could not send e-?mail \d+:|\()\s*["']?$`)
)

// replyCandidates returns the positions of s where a reply code or an
// enhanced code may start.
func replyCandidates(s string) []int {
	var out []int
	for i := 0; i+3 <= len(s) && len(out) < maxCandidates; i++ {
		c := s[i]
		if c < '2' || c > '5' || i > 0 && (isDigit(s[i-1]) || s[i-1] == '.') {
			continue
		}
		if s[i+1] == '.' && isDigit(s[i+2]) || isDigit(s[i+1]) && isDigit(s[i+2]) && (i+3 == len(s) || !isDigit(s[i+3])) {
			out = append(out, i)
		}
	}
	return out
}

// window is s from pos, at most n bytes.
func window(s string, pos, n int) string {
	if pos+n < len(s) {
		return s[pos : pos+n]
	}
	return s[pos:]
}

// replyCodeAt: a reply code with an enhanced code of the same class at
// pos, not glued to a word, an address or a path before it.
func replyCodeAt(l string, pos int) bool {
	if pos > 0 && (isWordByte(l[pos-1]) || strings.IndexByte(".@/=+-", l[pos-1]) >= 0) && !strings.HasSuffix(l[:pos], "reject=") {
		return false // sendmail logs its refusal as "reject=550 5.7.1 ..."
	}
	m := replyAt.Regexp().FindStringSubmatchIndex(window(l, pos, 24))
	return m != nil && sameClass(l[pos], l[pos+m[4]])
}

// sameClass: a reply code's class and its enhanced code's agree. RFC 3463
// wants them equal, but Exchange Online answers a plaintext MAIL FROM with
// "451 5.7.3 STARTTLS is required to send mail" (FACTS.md reply catalog):
// a temporary code with a permanent enhanced code is still one reply. A
// success code never goes with a failure's enhanced code.
func sameClass(code, enh byte) bool {
	return code == enh || code != '2' && enh != '2'
}

// bareCodeAt: a reply code where a reply stands: at the start of the
// line (after quoting), after words that introduce one, or as a
// multi-line reply's "NNN-Text" after a colon ("error thrown out:
// 220-We do not authorize ...").
func bareCodeAt(l string, pos int) bool {
	if !bareAt.MatchString(window(l, pos, 8)) {
		return false
	}
	if strings.HasPrefix(l[pos+3:], "):") && (pos < 2 || l[pos-1] != '(' || l[pos-2] != ' ') {
		return false // a stack frame's line number ("Account.php(521): ..."), not "error (550): ..."
	}
	before := l[:pos]
	if strings.TrimLeft(before, " \t>*|`'\"") == "" {
		return true
	}
	if len(before) > 48 {
		before = before[len(before)-48:]
	}
	if introduced(before) || arrowBefore(before) && smtpFailureCode[l[pos:pos+3]] {
		return true
	}
	dashed := pos+4 < len(l) && l[pos+3] == '-' && isLetter(l[pos+4])
	return dashed && strings.HasSuffix(strings.TrimRight(before, " "), ":")
}

// enhancedCodeAt: an enhanced code that starts a reply text at pos.
func enhancedCodeAt(l string, pos int) bool {
	if pos > 0 {
		prev := l[pos-1]
		if strings.IndexByte(" \t'\"(\\[:>;,`#", prev) < 0 && !(pos > 1 && l[pos-2:pos] == "b'") {
			return false
		}
	}
	if versionLabelRE.MatchString(l[max(0, pos-24):pos]) {
		return false // "PHP: 5.6.33 WP Mail SMTP: 1.2.5", a settings dump run into one line
	}
	return enhancedAt.MatchString(window(l, pos, 40))
}

// versionLabelRE: the label of a version number that ends right before
// a candidate enhanced code.
var versionLabelRE = lazyre.OnDemand(`(?i)\b(?:PHP|version|ver\.?|v|release|build|WordPress|OpenSSL|node(?:\.js)?|python|java|jdk|\.NET|PHPMailer|MailKit|nodemailer|firmware)\s*[:=]?\s*$`)

// arrowBefore: before ends in an arrow from a command or a reason to its
// answer (OpenSMTPD's "Failed command on session x: \"RCPT TO:<y>\" =>
// 550 Invalid recipient", "SPF violation -> 550 ..."). Only a failure's
// code counts: a server's own log marks every line it sends with "=>"
// ("=> 250-STARTTLS"), and those are read by their place in the session.
func arrowBefore(before string) bool {
	t := strings.TrimRight(before, " \t")
	return strings.HasSuffix(t, " =>") || strings.HasSuffix(t, " ->")
}

// introduced: before ends with words that introduce a reply (introBefore),
// tested only when it ends the way one of them does.
func introduced(before string) bool {
	t := strings.TrimRight(before, " \t\"'")
	if strings.HasSuffix(t, " b") || strings.HasSuffix(t, ":b") {
		t = strings.TrimRight(t[:len(t)-1], " ") // Python's bytes: "unexpected response: b'220 ..."
	}
	if t == "" {
		return false
	}
	switch t[len(t)-1] {
	case ':', '(', '>': // '>': an XML element's text ("<message>454 Throttling failure ...</message>")
		return introBefore.MatchString(before)

	case ',':
		// Go's net/smtp error after a wrapper's words ("Failed to close
		// connection to SMTP server, 553 Relaying disallowed ...")
		return len(t) >= 7 && equalFoldASCII(t[len(t)-7:], "server,")
	case ';':
		// a DSN's diagnostic type ("smtp;550 ..."): cheaper than the
		// expression on every ';' of code and JSON
		for _, w := range []string{"smtp;", "x-postfix;", "x-unix;", "x-local;"} {
			if len(t) >= len(w) && equalFoldASCII(t[len(t)-len(w):], w) {
				return true
			}
		}
		return false
	}
	for _, w := range []string{"returned", "with message", "with code", "reply code", "smtp code"} {
		if len(t) >= len(w) && equalFoldASCII(t[len(t)-len(w):], w) {
			return introBefore.MatchString(before)
		}
	}
	return false
}

func isWordByte(c byte) bool { return isDigit(c) || isLetter(c) || c == '_' }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
