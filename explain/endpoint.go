package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// hostRE finds the endpoint a paste names: Microsoft's submission and MX
// hosts, "host:port", and a port given on its own.
var (
	hostRE = lazyre.OnDemand(`(?i)\b((?:smtp(?:-mail)?|smtp-legacy|smtp-hve|outlook)\.(?:office365|outlook)\.com|smtp\.hve\.mx\.microsoft|[a-z0-9-]+\.mail\.protection\.outlook\.com|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.mx\.microsoft|smtp\.partner\.outlook\.cn)\b(?:\]?[:,]\s*(?:port[:=]?\s*)?(\d{2,5})\b)?`)
	portRE = lazyre.OnDemand(`(?i)^port\b["']?\s*[:=]?\s*["']?(25|465|587|2525|993|995|143|110|443|80)\b`)
	// hostWords and portWords are in every match of hostRE and portRE.
	hostWords = lex.add("office365", "outlook", "microsoft")
	portWords = lex.add("port")
	// readingWords: a line that gives the settings for reading mail
	// ("imap: outlook.office365.com port:993"), not the SMTP port.
	readingWords = lex.add("imap", "pop3", "pop:", "incoming", "eingehend", "entrant")
)

// endpointOf returns the first endpoint host the paste names and a port
// next to it or named alone (0 when none).
func endpointOf(ls []logical) (string, int) {
	host, port := "", 0
	tries := 0 // lines the host expression ran on: bounded
	for i := range ls {
		t := ls[i].scanned()
		if host == "" && tries < maxHostTries && ls[i].words.any(hostWords) {
			tries++
			var p int
			if host, p = endpointIn(t); p != 0 && port == 0 {
				port = p
			}
		}
		if port == 0 && ls[i].words.any(portWords) && !ls[i].words.any(readingWords) {
			port = portOf(t)
		}
		if host != "" && port != 0 {
			break
		}
	}
	return host, port
}

// maxHostTries bounds the lines read for the endpoint's name: a paste of
// thousands of replies that all name Microsoft's front ends (never the
// endpoint) is not searched to its end.
const maxHostTries = 2000

// endpointIn is the first Microsoft endpoint line t names as one, and
// the port next to it (0 when none). A host name that is part of a longer
// name ("outlook.office365.com.office.example.net", a front end's
// "PR3P191CA0021.outlook.office365.com"), or that a reply gives as its
// own (after the reply code, inside its brackets) is not the endpoint the
// client was set to.
func endpointIn(t string) (string, int) {
	for _, m := range hostRE.Regexp().FindAllStringSubmatchIndex(t, 8) {
		a, b := m[2], m[3]
		if a > 0 && (isWordByte(t[a-1]) || t[a-1] == '.' || t[a-1] == '-') ||
			b < len(t) && (isWordByte(t[b]) || t[b] == '-' || t[b] == '.' && b+1 < len(t) && isWordByte(t[b+1])) {
			continue
		}
		if strings.Count(t[:a], "[") > strings.Count(t[:a], "]") || replyBefore.MatchString(t[:a]) || startsReply(t[a:b]) {
			continue
		}
		port := 0
		if m[4] >= 0 {
			port = atoi(t[m[4]:m[5]])
		}
		return strings.ToLower(t[a:b]), port
	}
	return "", 0
}

// portOf is the port a line names after the word "port" (0 when none):
// portRE read at each "port" that starts a word.
func portOf(t string) int {
	for i := indexFold(t, "port", 0); i >= 0; i = indexFold(t, "port", i+4) {
		if i > 0 && isWordByte(t[i-1]) {
			continue
		}
		if m := portRE.FindStringSubmatch(window(t, i, 24)); m != nil {
			return atoi(m[1])
		}
	}
	return 0
}

// indexFold is the index of the lower-case word w in s at or after from,
// ignoring ASCII case; -1 when there is none.
func indexFold(s, w string, from int) int {
	for i := from; i+len(w) <= len(s); i++ {
		if lower(s[i]) == w[0] && equalFoldASCII(s[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}
