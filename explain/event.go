package explain

import (
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// event is one thing a parser read in a capture, in the capture's order.
// Parsers only translate their format into events; build turns events
// into stages, the same way for every format.
type event struct {
	kind  eventKind
	text  string            // the protocol line, or the error's text
	stage transcript.Stage  // the stage, when the format says it ("" otherwise)
	err   transcript.Kind   // evError: what kind of failure
	reply *transcript.Reply // evReply: a complete reply
	host  string            // evTarget
	port  int               // evTarget
	// secret: a client line that answers an AUTH prompt (build marks
	// them), redacted whatever it decodes to.
	secret bool
}

type eventKind int

const (
	evServer    eventKind = iota + 1 // one server line ("250-SIZE ..." or "250 OK")
	evClient                         // one client line (a command, a credential, a body line)
	evReply                          // a whole reply, with stage when known (log formats)
	evTarget                         // where the client connected (host, port)
	evConnected                      // the TCP connection was established
	evTLS                            // the TLS handshake completed (text: version)
	evError                          // a failure without a reply (stage when known)
)

func isReplyLine(s string) bool { _, _, _, ok := replyLine(s); return ok }

// replyLine splits one server line of a capture: code, whether it ends
// the reply, text (transcript.ParseReplyLine); false for a line that is
// no reply line (wrapped text, a log's own words).
func replyLine(s string) (code int, final bool, text string, ok bool) {
	code, final, text, err := transcript.ParseReplyLine(s)
	// RFC 5321 section 4.2.1: the second digit is 0 to 5; a paste's "587
	// should work." is a port in prose, not a reply.
	return code, final, text, err == nil && code/10%10 <= 5
}

// enhancedOnlyRE is a reply text that starts with an enhanced code.
var enhancedOnlyRE = lazyre.OnDemand(`^#?([245])\.\d{1,3}\.\d{1,3}\b`)

// parseReplyLine reads "550 5.7.606 text" as a one-line reply; a text
// that starts with an enhanced code and no reply code ("5.7.57 Client not
// authenticated", as System.Net.Mail shows it) gets the code the catalog
// knows for that enhanced code, or the class's generic code.
func parseReplyLine(s string) (*transcript.Reply, bool) {
	if code, _, text, ok := replyLine(s); ok {
		text = strings.TrimSpace(text)
		return &transcript.Reply{Code: code, Enhanced: transcript.ParseEnhanced(text), Lines: []string{text}}, true
	}
	if enhancedOnlyRE.MatchString(s) {
		enh := transcript.ParseEnhanced(s)
		return &transcript.Reply{Code: codeFor(enh, s), Enhanced: enh, Lines: []string{s}}, true
	}
	return nil, false
}

// splitReply reads a multi-line reply flattened into one string by a log
// ("550-5.7.1 first 550 5.7.1 second" stays as it is: one line of text).
func replyFrom(code int, text string) *transcript.Reply {
	text = strings.TrimSpace(text)
	return &transcript.Reply{Code: code, Enhanced: transcript.ParseEnhanced(text), Lines: []string{text}}
}

// stageOfCommand names the stage a client command belongs to ("" for a
// line that is not a command: a credential, a body line).
func stageOfCommand(line string, tls bool) transcript.Stage {
	verb, _, _ := strings.Cut(strings.TrimSpace(line), " ")
	verb = strings.ToUpper(verb)
	if i := strings.IndexByte(verb, ':'); i > 0 {
		verb = verb[:i] // "MAIL FROM:<a>" without a space
	}
	st, _ := transcript.StageOfVerb(verb)
	if st == transcript.EHLO && tls {
		return transcript.EHLOTLS
	}
	return st
}

// stageOfPhrase maps the command names logs use ("in reply to RCPT TO
// command", nodemailer's command: 'AUTH LOGIN') to a stage.
func stageOfPhrase(s string) transcript.Stage {
	u := strings.ToUpper(strings.TrimSpace(s))
	switch {
	case u == "CONN", strings.Contains(u, "GREETING"), strings.Contains(u, "BANNER"):
		return transcript.Banner
	case strings.Contains(u, "END OF DATA"), strings.Contains(u, "DATA"), strings.Contains(u, "BDAT"), strings.Contains(u, "MESSAGE"):
		return transcript.Data
	case strings.Contains(u, "RCPT"):
		return transcript.Rcpt
	case strings.Contains(u, "MAIL"):
		return transcript.Mail
	case strings.Contains(u, "AUTH"), strings.Contains(u, "SASL"), strings.Contains(u, "LOGIN"), strings.Contains(u, "PASSWORD"), strings.Contains(u, "USERNAME"):
		return transcript.Auth
	case strings.Contains(u, "STARTTLS"):
		return transcript.STARTTLS
	case strings.Contains(u, "EHLO"), strings.Contains(u, "HELO"):
		return transcript.EHLO
	case strings.Contains(u, "QUIT"), strings.Contains(u, "RSET"):
		return transcript.Quit
	}
	return ""
}

// errKind classifies an error text the way the probe's errors are.
func errKind(s string) transcript.Kind {
	l := strings.ToLower(s)
	switch {
	case containsAny(l, "timed out", "timeout", "etimedout", "did not properly respond", "greeting never received"):
		return transcript.KindTimeout
	case containsAny(l, "refused", "econnrefused", "actively refused"):
		return transcript.KindRefused
	case containsAny(l, "unreachable", "no route", "ehostunreach", "enetunreach"):
		return transcript.KindUnreachable
	case containsAny(l, "not found", "could not be resolved", "enotfound", "no such host", "name service error", "getaddrinfo", "name or service not known", "host not found", "bad hostname"):
		return transcript.KindDNS
	case containsAny(l, "reset", "econnreset"):
		return transcript.KindReset
	case containsAny(l, "ssl", "tls", "certificate", "handshake", "wrong version number", "x509"):
		return transcript.KindTLS
	case containsAny(l, "closed", "lost connection", "eof", "connection_closed", "connectionclosed", "unexpectedly", "broken pipe"):
		return transcript.KindClosed
	}
	return transcript.KindProtocol
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// hostPort splits "host:port", "host[1.2.3.4]:25" or "[::1]:25"; port 0
// when absent.
func hostPort(s string) (string, int) {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ".,;'\""))
	if i := strings.IndexByte(s, '['); i > 0 {
		if j := strings.IndexByte(s[i:], ']'); j > 0 {
			rest := s[i+j+1:]
			s = s[:i] + rest
		}
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 || strings.Count(s, ":") > 1 && !strings.HasPrefix(s, "[") {
		return s, 0
	}
	p, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return s, 0
	}
	return strings.Trim(s[:i], "[]"), p
}
