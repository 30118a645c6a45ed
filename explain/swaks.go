package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// swaks prefixes (swaks(1), "OUTPUT"): "<-" and " ->" plaintext, "<~" and
// " ~>" inside TLS; "<**"/"<~*" mark an error reply; "===" informational
// lines, "***" errors.
var (
	swaksServerRE = lazyre.OnDemand(`^\s*<(?:\*\*|-\*|~\*|-|~)\s?\s?(.*)$`)
	swaksClientRE = lazyre.OnDemand(`^\s*(?:-|~|\*)>\s?(.*)$`)
	swaksTryRE    = lazyre.OnDemand(`^=== Trying (\S+?)(?:\.\.\.)?$`)
	swaksTLSRE    = lazyre.OnDemand(`^=== TLS started with cipher (TLSv[\d.]+|SSLv\d)`)
)

func parseSwaks(lines []string) ([]event, int) {
	var evs []event
	n := 0
	for _, l := range lines {
		t := strings.TrimRight(l, " ")
		switch {
		case strings.HasPrefix(t, "=== "):
			n++
			evs = append(evs, swaksInfo(t)...)
		case strings.HasPrefix(t, "*** "), strings.HasPrefix(t, "***\t"):
			n++
			evs = append(evs, swaksError(t)...)
		case swaksServerRE.MatchString(t):
			n++
			evs = append(evs, event{kind: evServer, text: swaksServerRE.FindStringSubmatch(t)[1]})
		case swaksClientRE.MatchString(t):
			n++
			evs = append(evs, event{kind: evClient, text: swaksClientRE.FindStringSubmatch(t)[1]})
		}
	}
	return evs, n
}

func swaksInfo(t string) []event {
	switch {
	case swaksTryRE.MatchString(t):
		h, p := hostPort(swaksTryRE.FindStringSubmatch(t)[1])
		return []event{{kind: evTarget, host: h, port: p}}
	case strings.HasPrefix(t, "=== Connected to"):
		return []event{{kind: evConnected}}
	case swaksTLSRE.MatchString(t):
		return []event{{kind: evTLS, text: tlsName(swaksTLSRE.FindStringSubmatch(t)[1])}}
	}
	return nil
}

// swaksError reads "*** ..." lines: connection errors, timeouts, TLS
// failures, a server that hung up.
func swaksError(t string) []event {
	msg := strings.TrimSpace(strings.TrimLeft(t, "*"))
	l := strings.ToLower(msg)
	switch {
	case msg == "", strings.HasPrefix(l, "error connecting") && !strings.Contains(l, ": "):
		return nil // the detail follows on the next "***" line
	case strings.Contains(l, "starttls") && containsAny(l, "not advertised", "did not advertise"):
		return []event{{kind: evError, stage: transcript.STARTTLS, err: transcript.KindProtocol, text: msg}}
	case strings.Contains(l, "tls startup failed"), strings.Contains(l, "ssl"):
		return []event{{kind: evError, stage: transcript.TLS, err: transcript.KindTLS, text: msg}}
	case strings.Contains(l, "connect:"), strings.HasPrefix(l, "error connecting"), strings.Contains(l, "io::socket"):
		return []event{{kind: evError, stage: transcript.Connect, err: errKind(msg), text: msg}}
	case strings.Contains(l, "no authentication type succeeded"), strings.Contains(l, "could not authenticate"):
		return nil // the refusal reply above is the evidence
	}
	return []event{{kind: evError, err: errKind(msg), text: msg}}
}

// tlsName writes an OpenSSL protocol name as the probe does ("TLS1.2").
func tlsName(s string) string {
	return strings.Replace(strings.Replace(s, "TLSv", "TLS", 1), "SSLv", "SSL", 1)
}
