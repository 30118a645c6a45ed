package explain

import (
	"strings"
)

// IIS 6's SMTP service (SMTPSVC), still the relay many sites put between
// their printers and Microsoft 365, logs each command and reply as a W3C
// extended record: "date time c-ip cs-username s-sitename s-computername
// s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status ...", with a
// '+' for every space of a reply. Its own deliveries (to Exchange Online)
// carry cs-username "OutboundConnectionCommand" (cs-method the command,
// cs-uri-query its argument) or "OutboundConnectionResponse" (cs-uri-query
// the reply); for the sessions it receives (from the printer), cs-method is
// the client's command and sc-status the code it answered.
//
//	2018-02-19 23:06:29 40.97.132.226 OutboundConnectionCommand SMTPSVC1 FBDC-001 - 0 RCPT - TO:<a@b.org> 0 0 4 0 4094 SMTP - - - -
//	2018-02-19 23:06:36 40.97.132.226 OutboundConnectionResponse SMTPSVC1 FBDC-001 - 0 - - 550+5.7.60+SMTP;+Client+does+not+have+permissions+to+send+as+this+sender 0 0 116 0 11485 SMTP - - - -
//
// IIS logs one reply for a pipelined group of commands (two RCPT TO and
// BDAT, one "250 Recipient OK"): a reply answers the last command before
// it, and the commands before that in its group, whose replies the log
// left out, are not passed on, so that no reply is paired with the wrong
// one.
func parseIIS(lines []string) ([]event, int) {
	var evs []event
	n := 0
	var held *event // the last outbound command not yet answered
	for _, l := range lines {
		if !strings.Contains(l, "SMTPSVC") {
			continue
		}
		f := strings.Fields(l)
		i := iisSite(f)
		if i < 1 || i+7 >= len(f) {
			continue
		}
		user, method, query, status := f[i-1], f[i+4], iisText(f[i+6]), f[i+7]
		switch user {
		case "OutboundConnectionResponse":
			if !isReplyLine(query) {
				continue
			}
			n++
			if held != nil {
				evs = append(evs, *held)
				held = nil
			}
			evs = append(evs, event{kind: evServer, text: query})
		case "OutboundConnectionCommand":
			if method == "-" {
				continue
			}
			n++
			held = &event{kind: evClient, text: iisCommand(method, query)}
		default:
			if method == "-" || !isReplyLine(status) {
				continue
			}
			if method == "QUIT" && status == "240" {
				status = "221" // IIS logs its session's end as 240, and sends 221
			}
			n++
			evs = append(evs, event{kind: evClient, text: iisCommand(method, query)}, event{kind: evServer, text: status})
		}
	}
	if held != nil {
		evs = append(evs, *held) // sent, and the log ends before its reply
	}
	return evs, n
}

// iisSite is the index of the s-sitename field ("SMTPSVC1"), -1 if none.
func iisSite(f []string) int {
	for i, w := range f {
		if strings.HasPrefix(w, "SMTPSVC") && len(w) > len("SMTPSVC") && isDigit(w[len("SMTPSVC")]) {
			return i
		}
	}
	return -1
}

// iisText undoes the log's encoding of a field: '+' for a space, "-" for
// an empty field.
func iisText(s string) string {
	if s == "-" {
		return ""
	}
	return strings.ReplaceAll(s, "+", " ")
}

// iisCommand is the command line a record logged: "RCPT" and "TO:<a@b>"
// are "RCPT TO:<a@b>"; EHLO's argument has its own leading '+'.
func iisCommand(method, arg string) string {
	return strings.TrimSpace(method + " " + strings.TrimSpace(arg))
}
