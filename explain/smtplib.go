package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// Python's smtplib with set_debuglevel(1) (2 adds a timestamp): every
// line the client sends as send: 'EHLO x\r\n' and every server line as
// reply: b'250-x\r\n' (Python 3; '...' in Python 2), the joined reply as
// reply: retcode (250); Msg: b'...', and connect: ('host', 587).
var (
	pyLineRE    = lazyre.OnDemand(`^[\d:.,\-T \t]*(send|reply|connect):\s?(.*)$`)
	pyConnectRE = lazyre.OnDemand(`\(\s*'([^']+)',\s*(\d+)\s*\)`)
)

func parseSmtplib(lines []string) ([]event, int) {
	var evs []event
	n, replies := 0, 0
	eaten := crlfEaten(lines)
	for _, l := range lines {
		if !strings.Contains(l, "send:") && !strings.Contains(l, "reply:") && !strings.Contains(l, "connect:") {
			continue
		}
		m := pyLineRE.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		switch m[1] {
		case "connect":
			if c := pyConnectRE.FindStringSubmatch(m[2]); c != nil {
				n++
				evs = append(evs, event{kind: evTarget, host: c[1], port: atoi(c[2])})
			}
		case "send":
			n++
			for _, t := range pyLines(m[2], eaten) {
				evs = append(evs, event{kind: evClient, text: t})
			}
		case "reply":
			n++
			if strings.HasPrefix(m[2], "retcode") {
				continue // the joined reply repeats the lines above
			}
			for _, t := range pyLines(m[2], eaten) {
				replies++
				evs = append(evs, event{kind: evServer, text: t})
			}
		}
	}
	if replies == 0 {
		return nil, 0
	}
	return evs, n
}

// crlfEaten: every send and reply line of the debug output ends in "rn"
// where Python wrote \r\n, the backslashes eaten on the way (Markdown
// drops them: "reply: b'250-STARTTLSrn'"); then "rn" is the line end,
// not the last letters of a word. Three such lines at least, and no line
// with its backslashes kept.
func crlfEaten(lines []string) bool {
	eaten := 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if !strings.Contains(t, "send:") && !strings.Contains(t, "reply:") || strings.Contains(t, "retcode") {
			continue
		}
		t = strings.TrimRight(t, `'"`)
		switch {
		case strings.HasSuffix(t, `\n`) || strings.HasSuffix(t, `\r`):
			return false
		case strings.HasSuffix(t, "rn"):
			eaten++
		default:
			return false
		}
	}
	return eaten >= 3
}

// pyLines undoes Python's repr of what was sent or read (b'...', '...')
// and splits it at its CRLFs (a trailing "rn" when eaten: crlfEaten).
func pyLines(repr string, eaten bool) []string {
	s := strings.TrimSpace(repr)
	if len(s) > 1 && (s[0] == 'b' || s[0] == 'u') && (s[1] == '\'' || s[1] == '"') {
		s = s[1:] // Python 3's bytes, Python 2's unicode (send: u'mail FROM:<x>\r\n')
	}
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	if eaten {
		s = strings.TrimSuffix(s, "rn")
	}
	s = strings.NewReplacer(`\r\n`, "\n", `\n`, "\n", `\r`, "", `\'`, "'", `\\`, `\`).Replace(s)
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
