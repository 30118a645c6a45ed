package explain

import (
	"encoding/hex"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// .NET System.Net.Mail: the SmtpException a failed Send throws ("The
// server response was: 5.7.57 ..." after the status code's message, with
// inner exceptions after "--->"), and System.Net tracing
// (<system.diagnostics> sources System.Net and System.Net.Sockets): the
// SmtpClient constructor line and the hex dumps of every socket read and
// write. MailKit's exceptions ("SmtpCommandException: 5.7.606 ...",
// "AuthenticationException: 535: 5.7.139 ...") are read too.
var (
	dnResponseRE = lazyre.OnDemand(`(?:SmtpException(?: \(0x[0-9A-Fa-f]+\))?|SmtpFailedRecipientException(?: \(0x[0-9A-Fa-f]+\))?):\s*(.*?)\s*The server response was:\s*(.*)$`)
	dnPlainRE    = lazyre.OnDemand(`(?:SmtpException(?: \(0x[0-9A-Fa-f]+\))?):\s*(.*)$`)
	dnInnerRE    = lazyre.OnDemand(`(?:--->|^\s*)\s*System\.(?:Net\.(?:WebException|Sockets\.SocketException)|IO\.IOException|Security\.Authentication\.AuthenticationException|ComponentModel\.Win32Exception)(?: \(0x[0-9A-Fa-f]+\))?:\s*(.*)$`)
	dnMailKitRE  = lazyre.OnDemand(`MailKit\.(?:Net\.Smtp\.SmtpCommandException|Security\.AuthenticationException|Net\.Smtp\.SmtpProtocolException):\s*(?:([2-5]\d\d):\s*)?(.*)$`)
	dnCtorRE     = lazyre.OnDemand(`SmtpClient::\.ctor\(host=([^,\s)]+), port=(\d+)\)`)
	// SmtpConnection.GetConnection opens the connection and reads the
	// greeting (SmtpReplyReaderFactory.ReadLine under it); ReadLine alone
	// reads the reply to any command.
	dnFrameRE = lazyre.OnDemand(`^\s*at System\.Net\.Mail\.Smtp(?:Connection|Transport|Client)\.GetConnection\(`)
	dnSockRE  = lazyre.OnDemand(`System\.Net\.Sockets (?:Verbose|Information): \d+ : \[\d+\] (?:Data from Socket#\d+::(Receive|Send)|[0-9A-F]{8} : ((?:[0-9A-F]{2} ?)+?)\s*: )`)
)

// dnStatus maps SmtpStatusCode messages (System.Net.Mail SR strings) to
// their reply codes, for exceptions whose server text has no code.
var dnStatus = []struct {
	msg  string
	code int
}{
	{"Mailbox unavailable", 550},
	{"requires a secure connection or the client was not authenticated", 530},
	{"Service not available, closing transmission channel", 421},
	{"Syntax error, command unrecognized", 500},
	{"Syntax error in parameters or arguments", 501},
	{"Command not implemented", 502},
	{"Bad sequence of commands", 503},
	{"Command parameter not implemented", 504},
	{"Transaction failed", 554},
	{"Mailbox name not allowed", 553},
	{"Insufficient system storage", 452},
	{"Exceeded storage allocation", 552},
	{"Error in processing", 451},
}

func parseDotNet(lines []string) ([]event, int) {
	var evs []event
	n := 0
	var sock dnSocket
	greeting := false           // the stack shows SmtpClient reading the server's greeting
	var frame *transcript.Stage // the stage the stack's command frame names, read once
	for _, l := range lines {
		if !strings.Contains(l, "System.") && !strings.Contains(l, "Smtp") && !strings.Contains(l, "MailKit") {
			continue // every expression of this format names one of them
		}
		if dnFrameRE.MatchString(l) {
			greeting = true
		}
		switch {
		case dnCtorRE.MatchString(l):
			n++
			m := dnCtorRE.FindStringSubmatch(l)
			evs = append(evs, event{kind: evTarget, host: m[1], port: atoi(m[2])})
		case dnSockRE.MatchString(l):
			n++
			evs = append(evs, sock.line(dnSockRE.FindStringSubmatch(l))...)
		case dnResponseRE.MatchString(l):
			n++
			m := dnResponseRE.FindStringSubmatch(l)
			if frame == nil {
				st := dotnetFrameStage(lines)
				frame = &st
			}
			evs = append(evs, dotnetResponse(m[1], m[2], sock.seen, *frame)...)
		case dnMailKitRE.MatchString(l):
			n++
			m := dnMailKitRE.FindStringSubmatch(l)
			evs = append(evs, mailkitException(l, m[1], m[2], sock.seen)...)
		case dnInnerRE.MatchString(l):
			n++
			evs = append(evs, dotnetInner(dnInnerRE.FindStringSubmatch(l)[1])...)
		case dnPlainRE.MatchString(l):
			n++
			evs = append(evs, dotnetPlain(dnPlainRE.FindStringSubmatch(l)[1])...)
		}
	}
	evs = append(evs, sock.flush()...)
	if !sock.seen {
		unstagedErrors(evs, greeting)
	}
	return evs, n
}

// unstagedErrors places the errors of an exception without socket trace
// ("The operation has timed out.", net_io_connectionclosed): the
// exception names no stage, so it is unknown, unless the stack shows
// SmtpClient opening the connection and reading the greeting
// (SmtpConnection.GetConnection, SmtpReplyReaderFactory.ReadLine): the
// banner. The timeout of SmtpClient.Send covers the whole session; it is
// never guessed to be the connect.
func unstagedErrors(evs []event, greeting bool) {
	for i := range evs {
		if evs[i].kind != evError || evs[i].stage != "" {
			continue
		}
		evs[i].stage = transcript.Unstaged
		if greeting {
			evs[i].stage = transcript.Banner
		}
	}
}

// dotnetResponse reads "<status message> The server response was: <text>".
func dotnetResponse(status, text string, traced bool, frameStage transcript.Stage) []event {
	text = strings.TrimSpace(text)
	if traced {
		return nil // the traced socket data already holds the reply
	}
	if text == "" {
		// System.Net.Mail reports a connection the server closed as an
		// empty "command unrecognized" response.
		return []event{{kind: evError, err: transcript.KindClosed, text: strings.TrimSpace(status + " The server response was empty")}}
	}
	rep, ok := parseReplyLine(text)
	if !ok {
		rep = replyFrom(statusCode(status), text)
	}
	if rep.Enhanced == "" || knownStatus(status) {
		rep.Code = statusCode(status) // the status message names the code (SmtpStatusCode)
	}
	return []event{{kind: evReply, reply: rep, stage: frameStage}}
}

// knownStatus: status is one of SmtpStatusCode's messages.
func knownStatus(status string) bool {
	for _, s := range dnStatus {
		if strings.Contains(status, s.msg) {
			return true
		}
	}
	return false
}

func statusCode(status string) int {
	for _, s := range dnStatus {
		if strings.Contains(status, s.msg) {
			return s.code
		}
	}
	return 550
}

// dotnetPlain reads an SmtpException without a server response: the
// inner exceptions that follow say what happened.
func dotnetPlain(msg string) []event {
	l := strings.ToLower(msg)
	switch {
	case strings.Contains(l, "timed out"):
		return []event{{kind: evError, err: transcript.KindTimeout, text: msg}}
	case strings.Contains(l, "failure sending mail"):
		return nil // the inner exception is the evidence
	}
	return nil
}

// dotnetInner reads an inner exception's message.
func dotnetInner(msg string) []event {
	l := strings.ToLower(msg)
	switch {
	case strings.Contains(l, "unable to connect to the remote server"):
		return nil // the SocketException that follows says why
	case strings.Contains(l, "remote name could not be resolved"), strings.Contains(l, "no such host"):
		return []event{{kind: evError, stage: transcript.Resolve, err: transcript.KindDNS, text: msg}}
	case containsAny(l, "did not properly respond", "actively refused", "unreachable"):
		return []event{{kind: evError, stage: transcript.Connect, err: errKind(msg), text: msg}}
	case containsAny(l, "certificate", "handshake", "common algorithm", "remote party has closed the transport stream", "authentication failed"):
		return []event{{kind: evError, stage: transcript.TLS, err: transcript.KindTLS, text: msg}}
	case containsAny(l, "net_io_connectionclosed", "forcibly closed", "unable to read data"):
		return []event{{kind: evError, err: errKind(msg), text: msg}}
	}
	return nil
}

// mailkitException reads MailKit's exceptions: "535: 5.7.139 ..." or the
// text alone with an enhanced code.
func mailkitException(line, code, text string, traced bool) []event {
	if traced {
		return nil
	}
	var stage transcript.Stage
	if strings.Contains(line, "AuthenticationException") {
		stage = transcript.Auth
	}
	var rep *transcript.Reply
	if code != "" {
		rep = replyFrom(atoi(code), text)
	} else if r, ok := parseReplyLine(strings.TrimSpace(text)); ok {
		rep = r
	}
	if rep == nil {
		return []event{{kind: evError, stage: stage, err: errKind(text), text: text}}
	}
	return []event{{kind: evReply, stage: stage, reply: rep}}
}

// dnSocket reassembles the traced socket data into protocol lines.
type dnSocket struct {
	dir  string // "Receive" or "Send"
	buf  []byte
	seen bool // any socket data traced
}

func (s *dnSocket) line(m []string) []event {
	if m[1] != "" {
		evs := s.flush()
		s.dir = m[1]
		return evs
	}
	b, err := hex.DecodeString(strings.ReplaceAll(m[2], " ", ""))
	if err == nil {
		s.buf = append(s.buf, b...)
		s.seen = true
	}
	return nil
}

// flush turns the bytes of one read or write into lines.
func (s *dnSocket) flush() []event {
	if len(s.buf) == 0 {
		return nil
	}
	var evs []event
	for _, l := range strings.Split(strings.TrimRight(string(s.buf), "\r\n"), "\n") {
		l = strings.TrimRight(l, "\r")
		if s.dir == "Send" {
			evs = append(evs, event{kind: evClient, text: l})
		} else {
			evs = append(evs, event{kind: evServer, text: l})
		}
	}
	s.buf = nil
	return evs
}

// dnCommandRE: the System.Net.Mail command class in a stack frame names
// the command the reply answered.
var dnCommandRE = lazyre.OnDemand(`at System\.Net\.Mail\.(MailCommand|RecipientCommand|DataStopCommand|DataCommand|StartTlsCommand|EHelloCommand|HelloCommand|AuthCommand)\.`)

// dotnetFrameStage is the stage the stack's command frame names ("" when
// none does).
func dotnetFrameStage(lines []string) transcript.Stage {
	for _, l := range lines {
		if !strings.Contains(l, "System.Net.Mail.") {
			continue
		}
		if m := dnCommandRE.FindStringSubmatch(l); m != nil {
			switch m[1] {
			case "MailCommand":
				return transcript.Mail
			case "RecipientCommand":
				return transcript.Rcpt
			case "DataStopCommand", "DataCommand":
				return transcript.Data
			case "StartTlsCommand":
				return transcript.STARTTLS
			case "EHelloCommand", "HelloCommand":
				return transcript.EHLO
			case "AuthCommand":
				return transcript.Auth
			}
		}
	}
	return ""
}
