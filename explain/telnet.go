package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/transcript"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// A telnet session pasted as is: server lines start with a reply code,
// everything else the user typed. telnet's own lines ("Trying ...",
// "Connected to ...", "Escape character is '^]'.", "Connection closed by
// foreign host.") and its errors are recognised.
var (
	telnetTryRE  = lazyre.OnDemand(`^Trying (\S+?)\.\.\.$`)
	telnetConnRE = lazyre.OnDemand(`^Connected to (\S+?)\.?$`)
	endOfDataRE  = lazyre.OnDemand(`^[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3} `)
	telnetCmdRE  = lazyre.OnDemand(`^\s*(?i:EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|RSET|NOOP|QUIT|VRFY|BDAT)\b`)
	// telnetPromptRE: the command that opened the session, at a shell
	// prompt: telnet, nc/ncat/netcat (with options such as -C), openssl
	// s_client -connect host:port.
	telnetPromptRE = lazyre.OnDemand(`^(?:[^$#>]*[$#>]\s*)?(?:telnet|nc|ncat|netcat)(?:\s+-\w+)*\s+(\S+)\s+(\d+)\s*$`)
	telnetFailRE   = lazyre.OnDemand(`(?i)^telnet: (?:Unable to connect to remote host|connect to address \S+): (.*)$|^Could not open connection to the host, on port (\d+): (.*)$`)
	telnetClosedRE = lazyre.OnDemand(`(?i)^Connection (?:closed by foreign host|to host lost)\.?$`)
	// Windows telnet writes "Connecting To host..." and its failure on
	// one line.
	telnetWinRE = lazyre.OnDemand(`(?i)^Connecting To (\S+?)\.\.\.\s*(Could not open connection to the host, on port (\d+): .*)$`)
	base64RE    = lazyre.OnDemand(`^[A-Za-z0-9+/]+=*$`)
	// JavaMail's debug notes: "DEBUG SMTP: trying to connect to host
	// "smtp.office365.com", port 587, isSSL false", "DEBUG: JavaMail
	// version 1.6.2".
	javaMailDebugRE   = lazyre.OnDemand(`^DEBUG(?: SMTP)?: `)
	javaMailConnectRE = lazyre.OnDemand(`^DEBUG SMTP: (?:trying to connect to|connected to) host "([^"]+)", port:? (\d+)`)
)

// javaMailNote reads the debug notes that say where the client connected.
func javaMailNote(t string) []event {
	m := javaMailConnectRE.FindStringSubmatch(t)
	if m == nil {
		return nil
	}
	evs := []event{{kind: evTarget, host: m[1], port: atoi(m[2])}}
	if strings.HasPrefix(t, "DEBUG SMTP: connected") {
		evs = append(evs, event{kind: evConnected})
	}
	return evs
}

// parseTelnet claims a text only when it shows a session: telnet's own
// lines, a command typed, or a server greeting. Reply lines alone (an
// error message, a bounce) are the generic reader's: read as a session
// they would be put at the banner. JavaMail's debug output (mail.debug)
// is a raw session with "DEBUG SMTP:" notes between the lines.
func parseTelnet(lines []string) ([]event, int) {
	var evs []event
	n, replies, failed, session, body := 0, 0, false, false, false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if !body && !telnetMay(t) {
			continue
		}
		if k := len(evs) - 1; k >= 0 && evs[k].kind == evServer && wrappedReply(evs[k].text, t, nextLine(lines, i)) {
			evs[k].text = joinWrapped(evs[k].text, t) // "250-ENHANCEDSTA" / "TUSCODES": one line, wrapped
			continue
		}
		if !body && isDigit(t[0]) && !strings.Contains(t, "telnet") && !startsReply(t) {
			continue // digits first, and not a reply: a log's own line
		}
		typed := !body && typedWord(t, afterPrompt(evs))
		if typed && !telnetCmdRE.MatchString(t) && !isReplyLine(t) {
			n++ // a credential typed in answer to a 334 prompt (or a base64 block)
			evs = append(evs, event{kind: evClient, text: t})
			continue
		}
		digitReply := !body && startsReply(t) && !strings.Contains(t, "telnet")
		switch {
		case t == "", t == "Escape character is '^]'.":
			continue
		case digitReply:
			// A reply line: none of telnet's own lines starts with digits.
			n++
			replies++
			session = session || strings.HasPrefix(t, "220")
			body = strings.HasPrefix(t, "354")
			evs = append(evs, event{kind: evServer, text: t})
		case javaMailDebugRE.MatchString(t):
			n++
			evs = append(evs, javaMailNote(t)...)
			continue
		case telnetPromptRE.MatchString(t):
			m := telnetPromptRE.FindStringSubmatch(t)
			n++
			evs = append(evs, event{kind: evTarget, host: m[1], port: atoi(m[2])})
		case telnetWinRE.MatchString(t):
			m := telnetWinRE.FindStringSubmatch(t)
			n++
			failed = true
			evs = append(evs, event{kind: evTarget, host: m[1], port: atoi(m[3])},
				event{kind: evError, stage: transcript.Connect, err: winConnectKind(m[2]), text: m[2]})
		case telnetTryRE.MatchString(t):
			n++
		case telnetConnRE.MatchString(t):
			n++
			evs = append(evs, event{kind: evTarget, host: telnetConnRE.FindStringSubmatch(t)[1]}, event{kind: evConnected})
		case telnetFailRE.MatchString(t):
			n++
			failed = true
			if m := telnetFailRE.FindStringSubmatch(t); m[2] != "" {
				evs = append(evs, event{kind: evTarget, port: atoi(m[2])})
			}
			evs = append(evs, event{kind: evError, stage: transcript.Connect, err: winConnectKind(t), text: t})
		case telnetClosedRE.MatchString(t):
			n++
			evs = append(evs, event{kind: evError, err: transcript.KindClosed, text: t})
		case isReplyLine(t) && !body:
			n++
			replies++
			session = session || strings.HasPrefix(t, "220")
			body = strings.HasPrefix(t, "354")
			evs = append(evs, event{kind: evServer, text: t})
		case !body && (telnetCmdRE.MatchString(t) || typed && base64RE.MatchString(t)), body && t == ".":
			n++
			session = session || telnetCmdRE.MatchString(t)
			body = body && t != "."
			evs = append(evs, event{kind: evClient, text: t})
		case body && endOfDataRE.MatchString(t):
			// The server's answer to the message's end, the "." left out
			// of the paste: a reply with its enhanced code is not a line
			// of the message.
			n++
			replies++
			body = false
			evs = append(evs, event{kind: evServer, text: t})
		case body:
			evs = append(evs, event{kind: evClient, text: t}) // message body lines typed after DATA
		}
	}
	if replies == 0 && !failed || !session && !failed {
		return nil, 0
	}
	return evs, n
}

// wrappedReply: line t, which has no reply code of its own, sits between
// two lines of one multi-line reply (prev "250-ENHANCEDSTA", next "250-
// STARTTLS"): a terminal or the program's output wrapped a reply line, it
// is not a command typed.
func wrappedReply(prev, t, next string) bool {
	if t == "" || len(prev) < 4 || prev[3] != '-' || !startsReply(prev) || isDigit(t[0]) || strings.ContainsAny(t, " \t") {
		return false
	}
	return startsReply(next) && next[:3] == prev[:3]
}

// joinWrapped joins a wrapped reply line: inside a word when the wrap
// cut one (capital letters on both sides), else at a space.
func joinWrapped(prev, t string) string {
	a, b := prev[len(prev)-1], t[0]
	if a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' {
		return prev + t
	}
	return prev + " " + t
}

// nextLine is the next non-blank line after lines[i], trimmed.
func nextLine(lines []string, i int) string {
	for j := i + 1; j < len(lines) && j <= i+3; j++ {
		if t := strings.TrimSpace(lines[j]); t != "" {
			return t
		}
	}
	return ""
}

// winConnectKind: Windows telnet says only "Connect failed", which is a
// timeout (the SYN went unanswered) or a refusal; either is the network
// at connect.
func winConnectKind(s string) transcript.Kind {
	if k := errKind(s); k != transcript.KindProtocol {
		return k
	}
	return transcript.KindTimeout
}

// telnetPrefixes start every line of telnet's own and JavaMail's notes
// the expressions above read.
var telnetPrefixes = []string{"DEBUG", "Trying ", "Connected to", "Connecting To", "Could not open", "Connection ", "telnet", "Escape", "nc ", "ncat ", "netcat "}

// telnetMay: t may be a line of a session (a reply, a command, a base64
// credential, one of telnet's own lines); only then do the expressions
// run.
func telnetMay(t string) bool {
	switch {
	case t == "":
		return false
	case isDigit(t[0]), !strings.ContainsAny(t, " \t"), strings.Contains(t, "telnet"), strings.Contains(t, "nc "), strings.Contains(t, "ncat "), strings.Contains(t, "netcat "):
		return true
	}
	for _, p := range telnetPrefixes {
		if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
			return true
		}
	}
	verb, _, _ := strings.Cut(t, " ")
	return stageOfCommand(verb, false) != ""
}

// typedWord: t may be a credential typed in answer to a 334 prompt: one
// word of base64 of four characters or more (a program's own "ok" between
// the lines it prints is not one).
//
// Right after a 334 prompt any such word is one; elsewhere (a paste that
// starts inside AUTH, a lone blob) only a word that reads as encoded,
// not a program's own lowercase word between the protocol lines
// ("init", "done", "start TLS" in MailCore's log).
func typedWord(t string, prompted bool) bool {
	if len(t) < 4 || !isBase64Word(t) {
		return false
	}
	return prompted || len(t) >= 8 && encodedLooking(t)
}

// afterPrompt: the last event is a server line with AUTH's 334 prompt.
func afterPrompt(evs []event) bool {
	k := len(evs) - 1
	return k >= 0 && evs[k].kind == evServer && strings.HasPrefix(evs[k].text, "334")
}

// encodedLooking: t mixes what base64 of a name or password mixes:
// upper and lower case letters, or letters and digits, or ends in "=".
func encodedLooking(t string) bool {
	var up, low, dig bool
	for i := 0; i < len(t); i++ {
		c := t[i]
		up = up || c >= 'A' && c <= 'Z'
		low = low || c >= 'a' && c <= 'z'
		dig = dig || isDigit(c)
	}
	return strings.HasSuffix(t, "=") || up && low || (up || low) && dig
}

// isBase64Word: t is one word of base64 characters (what base64RE reads).
func isBase64Word(t string) bool {
	i := 0
	for i < len(t) && (isLetter(t[i]) || isDigit(t[i]) || t[i] == '+' || t[i] == '/') {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(t) && t[i] == '=' {
		i++
	}
	return i == len(t)
}
