package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// nodemailer's logger (logger: true, debug: true) writes
// "[time] LEVEL [id] S: ..." / "C: ..." and connection notes; a failed
// send prints the Error object: "Error: Invalid login: 535 ...", then
// code: 'EAUTH', response: '535 ...', responseCode: 535, command: 'AUTH LOGIN'.
var (
	nmLogRE     = lazyre.OnDemand(`^\s*(?:\[[^\]]+\]\s+)?(?:DEBUG|INFO|WARN|ERROR|TRACE|FATAL)\s+\[[^\]]*\]\s+(.*)$`)
	nmFieldRE   = lazyre.OnDemand(`^\s*(code|response|responseCode|command|errno|address|port|reason)\s*:\s*['"]?(.*?)['"]?,?\s*$`)
	nmErrorRE   = lazyre.OnDemand(`^\s*(?:\{\s*)?(?:\[?Error(?: \[\w+\])?\]?:\s*)(.*)$`)
	nmEstRE     = lazyre.OnDemand(`^Connection established to (\S+)`)
	nmResolveRE = lazyre.OnDemand(`^Resolved (\S+) as (\S+)`)
	nmComment   = lazyre.OnDemand(`\s*/\*.*\*/\s*$`)
)

func parseNodemailer(lines []string) ([]event, int) {
	var evs []event
	n := 0
	fields := map[string]string{}
	errMsg := ""
	sawServer, greeting := false, false
	for _, l := range lines {
		greeting = greeting || strings.Contains(l, "Greeting never received")
		if m := nmLogRE.FindStringSubmatch(l); m != nil {
			n++
			ev := nodemailerLog(m[1])
			for _, e := range ev {
				if e.kind == evServer {
					sawServer = true
				}
			}
			evs = append(evs, ev...)
			continue
		}
		if m := nmFieldRE.FindStringSubmatch(l); m != nil {
			n++
			fields[m[1]] = m[2]
			continue
		}
		if m := nmErrorRE.FindStringSubmatch(l); m != nil && errMsg == "" {
			n++
			errMsg = strings.TrimSpace(m[1])
		}
	}
	if len(fields) == 0 && len(evs) == 0 {
		// A bare "Error: ..." line is any program's: without nodemailer's
		// fields or log lines the generic reader reads it (an unknown
		// message is no connection failure).
		return nil, 0
	}
	if errMsg != "" || len(fields) > 0 {
		if greeting {
			fields["greeting"] = "true" // the error is the greeting timeout, wherever its fields are
		}
		evs = append(evs, nodemailerError(errMsg, fields, sawServer)...)
	}
	return evs, n
}

func nodemailerLog(msg string) []event {
	switch {
	case strings.HasPrefix(msg, "S: "), msg == "S:":
		return []event{{kind: evServer, text: strings.TrimPrefix(msg, "S: ")}}
	case strings.HasPrefix(msg, "C: "):
		return []event{{kind: evClient, text: nmComment.ReplaceAllString(strings.TrimPrefix(msg, "C: "), "")}}
	case nmEstRE.MatchString(msg):
		h, p := hostPort(nmEstRE.FindStringSubmatch(msg)[1])
		return []event{{kind: evTarget, port: p, host: keepName(h)}, {kind: evConnected}}
	case nmResolveRE.MatchString(msg):
		return []event{{kind: evTarget, host: nmResolveRE.FindStringSubmatch(msg)[1]}}
	case strings.HasPrefix(msg, "Connection upgraded with STARTTLS"), strings.HasPrefix(msg, "Secure connection established"):
		return []event{{kind: evTLS}}
	}
	return nil
}

// keepName drops an address so that a resolved name logged earlier stays.
func keepName(h string) string {
	if isIP(h) {
		return ""
	}
	return h
}

// nodemailerError turns the Error object into a reply or a failure.
func nodemailerError(msg string, f map[string]string, sawServer bool) []event {
	var evs []event
	if f["address"] != "" || f["port"] != "" {
		evs = append(evs, event{kind: evTarget, port: atoi(f["port"])})
	}
	stage := stageOfPhrase(f["command"])
	if f["command"] == "CONN" {
		stage = transcript.Connect
	}
	if strings.Contains(msg, "Greeting never received") || f["greeting"] != "" {
		stage = transcript.Banner // the TCP connection was made; the server never spoke
	}
	if f["code"] == "EAUTH" && stage == "" {
		stage = transcript.Auth
	}
	if resp := f["response"]; resp != "" {
		if sawServer {
			return evs // the debug lines already hold the reply
		}
		if rep, ok := parseReplyLine(resp); ok {
			return append(evs, event{kind: evReply, stage: stage, reply: rep})
		}
	}
	// "Invalid login: 535 5.7.3 ..." without the fields.
	if i := strings.Index(msg, ": "); i > 0 && !sawServer {
		if rep, ok := parseReplyLine(msg[i+2:]); ok {
			if stage == "" {
				stage = stageOfPhrase(msg[:i])
			}
			return append(evs, event{kind: evReply, stage: stage, reply: rep})
		}
	}
	if msg == "" || sawServer && f["response"] != "" {
		return evs
	}
	kind := errKind(msg + " " + f["errno"] + " " + f["code"])
	if containsAny(strings.ToLower(msg), "ssl routines", "wrong version number", "certificate", "self signed", "unable to verify") {
		kind, stage = transcript.KindTLS, transcript.TLS
	}
	return append(evs, event{kind: evError, stage: stage, err: kind, text: msg})
}
