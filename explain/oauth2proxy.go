package explain

import (
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// Email OAuth 2.0 Proxy (github.com/simonrob/email-oauth2-proxy) is how
// many printers and old applications reach Microsoft 365 once basic
// authentication is gone: the device speaks plain SMTP AUTH to the proxy,
// the proxy speaks XOAUTH2 to smtp.office365.com. Its --debug log writes
// each line as Python bytes, on both sides of the proxy:
//
//	SMTP (localhost:1587; ::1:51978->smtp.office365.com:587)     <-- b'220 ... ready at ...\r\n'
//	SMTP (localhost:1587; ::1:51978->smtp.office365.com:587) <-- b'220 ... ready at ...\r\n'
//	SMTP (localhost:1587; ::1:51978->smtp.office365.com:587) --> b'EHLO MAIL\r\n'
//
// The indented lines are the proxy's session with the remote server (what
// Microsoft 365 said and was sent); the others are the device's session
// with the proxy, the same replies relayed. The remote session is the one
// explained (a line the paste cut before its closing quote still
// counts); the device's side stands in when the log shows no remote
// line at all.
var proxyLineRE = lazyre.OnDemand(`SMTP \([^()]*\)( +)(<--|-->|<->) (?:b'((?:[^'\\]|\\.)*)(?:'|$)|b"((?:[^"\\]|\\.)*)(?:"|$)|\[ ([^\]]*) \])`)

// proxyTargetRE: where the proxy forwards ("proxying smtp.office365.com:587").
var proxyTargetRE = lazyre.OnDemand(`proxying ([A-Za-z0-9.-]+):(\d+)`)

// parseOAuth2Proxy reads Email OAuth 2.0 Proxy's debug log.
func parseOAuth2Proxy(lines []string) ([]event, int) {
	var remote, local []event
	n := 0
	target := false
	for _, l := range lines {
		if !strings.Contains(l, "SMTP (") && !strings.Contains(l, "proxying ") {
			continue
		}
		if m := proxyTargetRE.FindStringSubmatch(l); m != nil && !target {
			port, _ := strconv.Atoi(m[2])
			remote = append(remote, event{kind: evTarget, host: m[1], port: port})
			target = true
			n++
		}
		for _, m := range proxyLineRE.FindAllStringSubmatch(l, -1) {
			n++
			evs := proxyEvents(m[2], m[3]+m[4], m[5])
			if len(m[1]) > 1 {
				remote = append(remote, evs...)
			} else if m[5] == "" { // the device's side: its TLS is not Microsoft 365's
				local = append(local, evs...)
			}
		}
	}
	if !meaningful(remote) {
		return append(remote, local...), n
	}
	return remote, n
}

// proxyEvents turns one logged line into events: a bytes literal holds
// one or more protocol lines ("250-SIZE ...\r\n250 SMTPUTF8\r\n"); a
// bracketed note may say the TLS handshake completed.
func proxyEvents(dir, bytes, note string) []event {
	if note != "" {
		if v, ok := strings.CutSuffix(note, " handshake complete"); ok {
			return []event{{kind: evTLS, text: v}}
		}
		return nil
	}
	kind := evServer
	if dir == "-->" {
		kind = evClient
	}
	var evs []event
	for _, line := range strings.Split(bytes, `\r\n`) {
		if line = strings.TrimSuffix(line, `\n`); line != "" {
			line = afterBinary(line)
			evs = append(evs, event{kind: kind, text: line})
		}
	}
	return evs
}

// afterBinary: a line with bytes that are not text before its command
// (a PROXY-protocol v2 header in front of EHLO, logged as
// "QUIT\n!\x11\x00...\x19EHLO [ip]") is the command after them: that is
// the command the server answers ("500 5.3.3 Unrecognized command
// 'unknown'", FACTS.md 7.2), and the bytes are the finding the reply
// itself carries.
func afterBinary(line string) string {
	i := max(strings.LastIndex(line, `\x`), strings.LastIndex(line, `\n`))
	if i < 0 {
		return line
	}
	rest := line[i+2:]
	if strings.HasPrefix(line[i:], `\x`) && len(rest) >= 2 {
		rest = rest[2:]
	}
	if stageOfCommand(rest, false) == "" {
		return line
	}
	return rest
}
