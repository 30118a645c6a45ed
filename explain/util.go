package explain

import (
	"net"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func itoa(n int) string { return strconv.Itoa(n) }

func isIP(h string) bool { return net.ParseIP(strings.Trim(h, "[]")) != nil }

// catalogStage is the stage where the catalog sees reply rep, or where
// its enhanced code's subject puts it ("" when neither says).
func catalogStage(rep *transcript.Reply) transcript.Stage {
	if e := catalog.Match("", rep); e != nil && e.Category != catalog.OK {
		return e.Stage
	}
	// RFC 3463 section 3.7: X.6.X is the message content's status, which
	// a server judges only once it has the message.
	if len(rep.Enhanced) > 2 && rep.Enhanced[1:3] == ".6" && rep.Class() >= 4 {
		return transcript.Data
	}
	// RFC 3463 section 3.2: X.1.1-X.1.6 and RFC 7505's X.1.10 are the
	// destination address's status (RCPT TO); X.1.7 and X.1.8 the
	// sender's (MAIL FROM).
	if len(rep.Enhanced) > 3 && rep.Class() >= 4 && rep.Enhanced[1:3] == ".1" {
		switch rep.Enhanced[3:] {
		case ".1", ".2", ".3", ".4", ".6", ".10":
			return transcript.Rcpt
		case ".7", ".8":
			return transcript.Mail
		}
	}
	// RFC 4954 section 6: 534 (mechanism too weak), 535 (credentials
	// invalid) and 538 (encryption required for the mechanism) answer AUTH
	// and nothing else; 334 is AUTH's prompt.
	switch rep.Code {
	case 334, 534, 535, 538:
		return transcript.Auth
	}
	// The words of a refusal name its command (diagnosis.ImpliedStage: a
	// message's size or content, an unknown recipient, a relay refusal ...).
	if rep.Class() >= 4 {
		if st := diagnosis.ImpliedStage(rep.Text()); st != "" {
			return st
		}
	}
	// RFC 4954 section 6: a server that wants authentication refuses the
	// first command that needs it, MAIL FROM ("530 5.7.0 Authentication
	// required", Exchange's "5.7.1 Client was not authenticated").
	if rep.Class() >= 4 && notAuthenticated(rep.Text()) {
		return transcript.Mail
	}
	return ""
}

// codeFor is the reply code that goes with an enhanced code and its
// text when the capture dropped the code: the code of the catalog row
// that text and enhanced code identify, else 0 (not shown, never the
// class's usual code: "5.7.3 Authentication unsuccessful" is 535, not
// 451, and an unknown reply has no code to give).
func codeFor(enh, text string) int {
	if e := catalog.Match("", &transcript.Reply{Enhanced: enh, Lines: []string{text}}); e != nil {
		return e.Code
	}
	return 0
}

// catalogFor is the catalog row for a reply text without its code: the
// row of that enhanced code whose pattern matches the text, else the
// first row of that enhanced code.
func catalogFor(enh, text string) *catalog.Entry {
	var first *catalog.Entry
	for i := range catalog.Catalog {
		e := &catalog.Catalog[i]
		if e.Enhanced != enh {
			continue
		}
		if e.Pattern != nil && e.Pattern.MatchString(text) {
			return e
		}
		if first == nil {
			first = e
		}
	}
	return first
}

// runeStart is i, or the start of the UTF-8 character i falls inside: a
// cut there leaves no half character (a paste in Chinese or with accents).
func runeStart(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// notAuthenticated: a refusal of a client that did not authenticate, in
// the diagnosis's words, or by Exchange's 5.7.57.
func notAuthenticated(text string) bool {
	return diagnosis.NotAuthenticated(text) || strings.Contains(text, "5.7.57")
}
