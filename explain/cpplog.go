package explain

import (
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// The communication log of jeremydumais' CPP-SMTPClient-library (a C++
// client applications embed): "c: ehlo host\r\n" with the CRLF written
// out, "s: 250-..." with the further lines of a multi-line reply left
// without a prefix, and the library's own notes in the client column
// ("c: Trying to connect to H on port P", "c: Connected!", "c: <Start TLS
// negotiation>", "c & s: <Negotiate a TLS session>", "c: TLS session
// ready!").
var (
	cppLineRE    = lazyre.OnDemand(`^(c|s|c & s): ?(.*)$`)
	cppConnectRE = lazyre.OnDemand(`^Trying to connect to (\S+) on port (\d+)`)
)

func parseCPPLog(lines []string) ([]event, int) {
	var evs []event
	n := 0
	inReply := false // after an "s:" line: its unprefixed further lines
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if len(t) < 2 || t[0] != 'c' && t[0] != 's' {
			if inReply && isReplyLine(t) {
				n++
				evs = append(evs, event{kind: evServer, text: t})
				continue
			}
			inReply = false
			continue
		}
		m := cppLineRE.FindStringSubmatch(t)
		if m == nil {
			inReply = false
			continue
		}
		dir, text := m[1], strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[2]), `\r\n`))
		inReply = dir == "s"
		if dir == "s" && !isReplyLine(text) {
			// "s: " before anything but a reply is not this log's server
			// column (a line of prose, a list): not counted as its own.
			inReply = false
			continue
		}
		n++
		switch c := cppConnectRE.FindStringSubmatch(text); {
		case dir == "s":
			evs = append(evs, event{kind: evServer, text: text})
		case dir == "c & s", strings.HasPrefix(text, "Info:"), strings.HasPrefix(text, "Contacting the server again"),
			strings.HasPrefix(text, "<") && strings.HasSuffix(text, ">"):
			// the library's notes on its own steps
		case c != nil:
			port, _ := strconv.Atoi(c[2])
			evs = append(evs, event{kind: evTarget, host: c[1], port: port})
		case text == "Connected!":
			evs = append(evs, event{kind: evConnected})
		case text == "TLS session ready!":
			evs = append(evs, event{kind: evTLS})
		default:
			evs = append(evs, event{kind: evClient, text: text})
		}
	}
	return evs, n
}
