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
	telnetTryRE    = lazyre.OnDemand(`^Trying (\S+?)\.\.\.$`)
	telnetConnRE   = lazyre.OnDemand(`^Connected to (\S+?)\.?$`)
	telnetCmdRE    = lazyre.OnDemand(`^\s*(?i:EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|RSET|NOOP|QUIT|VRFY|BDAT)\b`)
	telnetPromptRE = lazyre.OnDemand(`^(?:\S*[$#>]\s*)?telnet\s+(\S+)\s+(\d+)\s*$`)
	telnetFailRE   = lazyre.OnDemand(`(?i)^telnet: (?:Unable to connect to remote host|connect to address \S+): (.*)$|^Could not open connection to the host, on port (\d+): (.*)$`)
	telnetClosedRE = lazyre.OnDemand(`(?i)^Connection (?:closed by foreign host|to host lost)\.?$`)
	// Windows telnet writes "Connecting To host..." and its failure on
	// one line.
	telnetWinRE = lazyre.OnDemand(`(?i)^Connecting To (\S+?)\.\.\.\s*(Could not open connection to the host, on port (\d+): .*)$`)
	base64RE    = lazyre.OnDemand(`^[A-Za-z0-9+/]+=*$`)
)

func parseTelnet(lines []string) ([]event, int) {
	var evs []event
	n, replies, failed := 0, 0, false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "", t == "Escape character is '^]'.":
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
				event{kind: evError, stage: "connect", err: winConnectKind(m[2]), text: m[2]})
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
			evs = append(evs, event{kind: evError, stage: "connect", err: winConnectKind(t), text: t})
		case telnetClosedRE.MatchString(t):
			n++
			evs = append(evs, event{kind: evError, err: "closed", text: t})
		case replyLineRE.MatchString(t):
			n++
			replies++
			evs = append(evs, event{kind: evServer, text: t})
		case telnetCmdRE.MatchString(t), t == ".", base64RE.MatchString(t):
			n++
			evs = append(evs, event{kind: evClient, text: t})
		default:
			// Message body lines typed after DATA, or noise.
			evs = append(evs, event{kind: evClient, text: t})
		}
	}
	if replies == 0 && !failed {
		return nil, 0
	}
	return evs, n
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
