package explain

import (
	"html"
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// PHPMailer's SMTP debug output (SMTPDebug 2 or more): "[date] SERVER ->
// CLIENT: 220 ..." and "CLIENT -> SERVER: EHLO ...", credentials shown as
// "[credentials hidden]", connection notes ("Connection: opening to
// host:port", "Connection failed. Error #2: ..."), "SMTP ERROR: ..." and
// the final "SMTP Error: Could not authenticate." Written to PHP's error
// log (Debugoutput 'error_log'), each line starts with "[date zone] ".
// Older versions wrote
// "SMTP -> FROM SERVER:" / "SMTP -> ERROR:"; the HTML output escapes ">".
var (
	pmServerRE  = lazyre.OnDemand(`^(?:\[[^\]]{1,64}\]\s*)?(?:[\d-]+ [\d:]+\s+)?(?:[\w.]+ \(level \d\):\s*|\[?PHPMailer\]?:?\s+)?(?:SERVER -> CLIENT|SMTP -> FROM SERVER|SMTP -> get_lines\(\): \$data is) ?:\s?(.*)$`)
	pmClientRE  = lazyre.OnDemand(`^(?:\[[^\]]{1,64}\]\s*)?(?:[\d-]+ [\d:]+\s+)?(?:[\w.]+ \(level \d\):\s*|\[?PHPMailer\]?:?\s+)?CLIENT -> SERVER:\s?(.*)$`)
	pmOpenRE    = lazyre.OnDemand(`Connection: opening to (?:ssl://|tls://)?(\S+?),`)
	pmFailRE    = lazyre.OnDemand(`(?i)(?:Connection failed\.|SMTP ERROR: Failed to connect to server:|SMTP -> ERROR: Failed to connect to server:)\s*(.*)$`)
	pmTLSFailRE = lazyre.OnDemand(`(?i)(SSL operation failed|certificate verify failed|Unable to set up TLS|Failed to enable crypto|STARTTLS command failed)`)
	pmErrorRE   = lazyre.OnDemand(`^(?:\[[^\]]{1,64}\]\s*)?(?:[\d-]+ [\d:]+\s+)?(?:[\w.]+ \(level \d\):\s*|\[?PHPMailer\]?:?\s+)?(?:SMTP ERROR:|SMTP Error:|SMTP -> ERROR:)\s*(.*)$`)
	pmCmdFailRE = lazyre.OnDemand(`^(.+?) command failed:\s*(.*)$`)
	// pmConnectHostRE: the English connect_host message (language keys in
	// words_lib.go).
	pmConnectHostRE = lazyre.OnDemand(`(?i)SMTP Error: Could not connect to SMTP host`)
)

// pmStage is the stage of the command a "... command failed" error names.
func pmStage(cmd string) transcript.Stage {
	switch c := strings.ToUpper(strings.TrimSpace(cmd)); {
	case c == "MAIL FROM":
		return transcript.Mail
	case c == "RCPT TO":
		return transcript.Rcpt
	case strings.HasPrefix(c, "DATA"):
		return transcript.Data
	case c == "EHLO", c == "HELO":
		return transcript.EHLO
	case strings.HasPrefix(c, "AUTH"), c == "USERNAME", c == "PASSWORD":
		return transcript.Auth
	case c == "QUIT":
		return transcript.Quit
	}
	return ""
}

func parsePHPMailer(lines []string) ([]event, int) {
	var evs []event
	n := 0
	inServer := false // PHPMailer indents the further lines of a reply
	servers := 0
	var errReplies []event // "SMTP ERROR: MAIL FROM command failed: 530 ...", for output without the conversation
	emptyServer := false   // "SERVER -> CLIENT:" with its reply on the next line (a wrap broke it there)
	opening := ""          // the last "Connection: opening to ..." line
	for _, raw := range lines {
		if emptyServer {
			emptyServer = false
			if l := strings.TrimSpace(raw); isReplyLine(l) {
				evs[len(evs)-1].text = l
				continue
			}
		}
		if !pmMay(raw) && !(inServer && startsIndentedDigit(raw)) {
			inServer = false
			continue
		}
		l := strings.TrimSpace(html.UnescapeString(strings.ReplaceAll(raw, "<br>", "")))
		if inServer && l != "" && raw != l && isReplyLine(l) {
			n++
			servers++
			evs = append(evs, event{kind: evServer, text: l})
			continue
		}
		inServer = pmServerRE.MatchString(l)
		switch {
		case inServer:
			n++
			servers++
			text := strings.TrimSuffix(strings.TrimRight(pmServerRE.FindStringSubmatch(l)[1], " "), `\r\n`) // the CRLF a log writes out
			evs = append(evs, event{kind: evServer, text: strings.TrimRight(text, " ")})
			emptyServer = strings.TrimSpace(text) == ""
		case pmClientRE.MatchString(l):
			n++
			text := strings.TrimSuffix(strings.TrimRight(pmClientRE.FindStringSubmatch(l)[1], " "), `\r\n`)
			if strings.Contains(text, "credentials hidden") {
				text = "<redacted>"
			}
			evs = append(evs, event{kind: evClient, text: text})
		case pmOpenRE.MatchString(l):
			n++
			if rest := l[strings.Index(l, "Connection: opening to")+len("Connection: opening to"):]; !strings.Contains(rest, "Connection:") && !strings.Contains(strings.ToLower(rest), "fail") && !strings.Contains(strings.ToLower(rest), "error") {
				opening = l // a line of its own, not a whole log joined into one
			}
			h, p := hostPort(pmOpenRE.FindStringSubmatch(l)[1])
			evs = append(evs, event{kind: evTarget, host: h, port: p})
		case strings.Contains(l, "Connection: opened"):
			n++
			evs = append(evs, event{kind: evConnected})
		case pmTLSFailRE.MatchString(l):
			n++
			evs = append(evs, event{kind: evError, stage: transcript.TLS, err: transcript.KindTLS, text: l})
		case pmFailRE.MatchString(l):
			n++
			msg := pmFailRE.FindStringSubmatch(l)[1]
			evs = append(evs, event{kind: evError, stage: transcript.Connect, err: errKind(msg), text: l})
		case pmErrorRE.MatchString(l):
			n++ // "SMTP ERROR: Password command failed: 535 ..." repeats the reply above
			if pmConnectHostRE.MatchString(l) {
				// connect_host: smtpConnect() failed at the step after the
				// last one shown (the TLS handshake after STARTTLS's 220).
				evs = append(evs, event{kind: evError, err: transcript.KindProtocol, text: l})
			}
			if m := pmCmdFailRE.FindStringSubmatch(pmErrorRE.FindStringSubmatch(l)[1]); m != nil {
				if rep, ok := parseReplyLine(strings.TrimSpace(m[2])); ok {
					errReplies = append(errReplies, event{kind: evReply, stage: pmStage(m[1]), reply: rep})
				}
			}
		}
	}
	if servers == 0 { // error-only output (SMTPDebug 0 or 1): the errors carry the replies
		evs = append(evs, errReplies...)
	}
	if k := len(evs) - 1; k >= 0 && evs[k].kind == evTarget && opening != "" && len(errReplies) == 0 {
		// The log ends at "Connection: opening to H:P, timeout=300":
		// PHPMailer (SMTPDebug 3 and up) writes "Connection: opened" once
		// TCP connects, so the connection never completed (a firewall that
		// drops the SYN, a blocked port); its own timeout had not run out.
		evs = append(evs, event{kind: evError, stage: transcript.Connect, err: transcript.KindTimeout, text: opening})
	}
	return evs, n
}

// pmWords are in every line a PHPMailer expression above matches, in
// some case; pmMay tests them before any expression runs.
var pmWords = lex.add("server", "client", "smtp", "connection", "ssl operation failed", "certificate verify failed", "unable to set up tls", "failed to enable crypto")

func pmMay(raw string) bool {
	ws := lex.scan(raw)
	return ws.any(pmWords)
}

// startsIndentedDigit: an indented line that starts with a digit (a
// further line of a multi-line reply).
func startsIndentedDigit(raw string) bool {
	t := strings.TrimLeft(raw, " \t")
	return len(t) < len(raw) && t != "" && isDigit(t[0])
}
