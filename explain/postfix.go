package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// Postfix smtp(8) log lines (syslog or `postlog`): delivery status lines
// with "relay=" and the reason in parentheses, "said: ... (in reply to X
// command)", TLS and SASL lines, and the debug_peer "<"/">" protocol lines.
var (
	postfixRE    = lazyre.OnDemand(`postfix(?:-[\w.-]+)?/(?:smtp|lmtp|error|qmgr|cleanup|pickup|bounce|smtpd|local|postlog)\[\d+\]:\s*(.*)$`)
	queueIDRE    = lazyre.OnDemand(`^(?:[0-9A-F]{6,}|[0-9A-Za-z]{10,}):\s+`)
	relayRE      = lazyre.OnDemand(`\brelay=([^,\s]+)`)
	statusRE     = lazyre.OnDemand(`\bstatus=(\w+)\s*\((.*)\)\s*$`)
	saidRE       = lazyre.OnDemand(`(?:host|server) (\S+) said: ([2-5]\d\d)[ -](.*?)(?:\s*\(in reply to (.+?)(?: command)?\))?\s*$`)
	refusedRE    = lazyre.OnDemand(`host (\S+) refused to talk to me: ([2-5]\d\d)[ -](.*)$`)
	connectToRE  = lazyre.OnDemand(`connect to (\S+?): (.+)$`)
	whileRE      = lazyre.OnDemand(`(?:lost connection with|conversation with) (\S+) (?:timed out )?while (.+)$`)
	tlsEstRE     = lazyre.OnDemand(`(?:\w+ )?TLS connection established to (\S+?): (TLSv[\d.]+)`)
	peerLineRE   = lazyre.OnDemand(`^([<>]) (\S+?): (.*)$`)
	inReplyRE    = lazyre.OnDemand(`\(in reply to (.+?)(?: command)?\)`)
	tlsProblemRE = lazyre.OnDemand(`(?i)Cannot start TLS|TLS library problem|SSL_connect error|certificate verification failed|TLS is required, but`)
)

func parsePostfix(lines []string) ([]event, int) {
	var evs []event
	n := 0
	for _, l := range lines {
		if !strings.Contains(l, "postfix") {
			continue
		}
		m := postfixRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n++
		evs = append(evs, postfixLine(queueIDRE.ReplaceAllString(m[1], ""))...)
	}
	return evs, n
}

func postfixLine(msg string) []event {
	if m := peerLineRE.FindStringSubmatch(msg); m != nil {
		h, p := hostPort(m[2])
		ev := event{kind: evServer, text: m[3]}
		if m[1] == ">" {
			ev = event{kind: evClient, text: m[3]}
		}
		return []event{{kind: evTarget, host: h, port: p}, ev}
	}
	if m := tlsEstRE.FindStringSubmatch(msg); m != nil {
		h, p := hostPort(m[1])
		return []event{{kind: evTarget, host: h, port: p}, {kind: evConnected}, {kind: evTLS, text: tlsName(m[2])}}
	}
	var evs []event
	if m := relayRE.FindStringSubmatch(msg); m != nil && m[1] != "none" {
		h, p := hostPort(m[1])
		evs = append(evs, event{kind: evTarget, host: h, port: p})
	}
	detail := msg
	status := ""
	if m := statusRE.FindStringSubmatch(msg); m != nil {
		status, detail = m[1], m[2]
	}
	return append(evs, postfixDetail(status, detail)...)
}

// postfixDetail reads the reason Postfix gives for a delivery attempt.
func postfixDetail(status, d string) []event {
	switch {
	case saidRE.MatchString(d):
		m := saidRE.FindStringSubmatch(d)
		h, p := hostPort(m[1])
		stage := stageOfPhrase(m[4])
		if strings.Contains(d, "SASL authentication failed") {
			stage = transcript.Auth
		}
		text := strings.TrimSpace(inReplyRE.ReplaceAllString(m[3], ""))
		return []event{{kind: evTarget, host: h, port: p}, {kind: evReply, stage: stage, reply: replyFrom(atoi(m[2]), text)}}
	case refusedRE.MatchString(d):
		m := refusedRE.FindStringSubmatch(d)
		return []event{{kind: evReply, stage: transcript.Banner, reply: replyFrom(atoi(m[2]), m[3])}}
	case connectToRE.MatchString(d):
		m := connectToRE.FindStringSubmatch(d)
		h, p := hostPort(m[1])
		return []event{{kind: evTarget, host: h, port: p}, {kind: evError, stage: transcript.Connect, err: errKind(m[2]), text: d}}
	case whileRE.MatchString(d):
		m := whileRE.FindStringSubmatch(d)
		h, p := hostPort(m[1])
		kind := errKind(d)
		if strings.Contains(d, "timed out") {
			kind = transcript.KindTimeout
		} else if strings.HasPrefix(d, "lost connection") {
			kind = transcript.KindClosed
		}
		return []event{{kind: evTarget, host: h, port: p}, {kind: evError, stage: postfixWhile(m[2]), err: kind, text: d}}
	case strings.Contains(d, "Name service error"), strings.Contains(d, "Host or domain name not found"), strings.Contains(d, "Host not found"):
		return []event{{kind: evError, stage: transcript.Resolve, err: transcript.KindDNS, text: d}}
	case strings.Contains(d, "TLS is required, but was not offered"):
		return []event{{kind: evError, stage: transcript.STARTTLS, err: transcript.KindProtocol, text: d}}
	case tlsProblemRE.MatchString(d):
		return []event{{kind: evError, stage: transcript.TLS, err: transcript.KindTLS, text: d}}
	case status == "sent":
		if rep, ok := parseReplyLine(strings.TrimSpace(d)); ok {
			return []event{{kind: evConnected}, {kind: evReply, stage: transcript.Data, reply: rep}}
		}
	}
	return nil
}

// postfixWhile maps "while receiving the initial server greeting" and the
// like to a stage.
func postfixWhile(s string) transcript.Stage {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "greeting"):
		return transcript.Banner
	case strings.Contains(l, "ehlo"), strings.Contains(l, "initial protocol handshake"):
		return transcript.EHLO
	case strings.Contains(l, "starttls"):
		return transcript.STARTTLS
	case strings.Contains(l, "tls"):
		return transcript.TLS
	case strings.Contains(l, "auth"), strings.Contains(l, "sasl"):
		return transcript.Auth
	}
	if st := stageOfPhrase(s); st != "" {
		return st
	}
	return ""
}
