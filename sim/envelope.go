package sim

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultDomain is the simulated tenant's accepted domain unless
// Options.Domain names another; its subdomains are accepted too.
const DefaultDomain = "contoso.com"

// errTooBig is a message over the advertised SIZE.
var errTooBig = errors.New("message too big")

// mail answers MAIL FROM. smtp.office365.com requires TLS first
// ("451 5.7.3 STARTTLS is required to send mail", row starttls-required)
// and then AUTH ("530 5.7.57 Client not authenticated to send mail.", row
// not-authenticated); the MX takes anyone (FACTS.md 1.2).
func (ss *session) mail(arg string) bool {
	switch {
	case !ss.greeted || ss.inMail:
		return ss.badSequence()
	case ss.sc.submission() && !ss.secure:
		return ss.reply("starttls-required", nil)
	case ss.sc.submission() && !ss.authed:
		return ss.reply("not-authenticated", nil)
	}
	addr, params, ok := parsePath(arg, "FROM:")
	if !ok {
		// An address without angle brackets (row unrecognized-parameter, pam_aad#34).
		return ss.reply("unrecognized-parameter", nil)
	}
	if declaredSize(params) > maxMessageSize {
		return ss.tooBig()
	}
	ss.inMail, ss.from, ss.rcpts = true, addr, 0
	return ss.reply("mail-ok", nil)
}

// rcpt answers RCPT TO with the scenario's row for the recipient.
func (ss *session) rcpt(arg string) bool {
	if !ss.inMail {
		return ss.badSequence()
	}
	addr, _, ok := parsePath(arg, "TO:")
	if !ok || addr == "" {
		return ss.reply("unrecognized-parameter", nil)
	}
	if row := ss.rcptRow(addr); row != "" {
		return ss.reply(row, nil)
	}
	ss.rcpts++
	return ss.reply("rcpt-ok", nil)
}

// rcptRow is the scenario's answer to addr; "" accepts it.
func (ss *session) rcptRow(addr string) string {
	if !ss.srv.accepts(addr) {
		if ss.certAttributed {
			return "" // the connector matched the client certificate (clientcert.go)
		}
		return ss.sc.RcptExternal
	}
	if ss.sc.TenantSenderOnly && !ss.srv.accepts(ss.from) {
		return ""
	}
	return ss.sc.RcptTenant
}

// data answers DATA with RFC 5321's 354 text (section 4.3.2 example,
// also what Exchange sends), reads the message and answers its end with
// the scenario's row, by default "250 2.6.0 <msgid> [InternalId=...,
// Hostname=...] ... Queued mail for delivery" (row data-queued), with the
// parts the service varies per message (volatile.go).
func (ss *session) data(string) bool {
	if !ss.inMail || ss.rcpts == 0 {
		return ss.badSequence()
	}
	if !ss.send(354, "Start mail input; end with <CRLF>.<CRLF>") {
		return false
	}
	start := time.Now()
	msgID, size, err := ss.readMessage()
	switch {
	case errors.Is(err, errTooBig):
		ss.tooBig()
		return false // the rest of the message is still coming: no way back in step
	case err != nil:
		ss.logf("DATA: %v", err)
		return false
	}
	ss.messages++
	if msgID == "" {
		// Token, then the message's number in the session: the token stays a
		// separate word, so golden normalisation finds it.
		msgID = fmt.Sprintf("<%s.%d@%s>", ss.id.token, ss.messages, ss.id.errHost)
	}
	row := ss.sc.Data
	if row == "" {
		row = "data-queued"
	}
	// The queued reply's InternalId and Hostname are the message's, not the
	// session's; the SendAs refusal names the user and the From.
	extra := map[string]string{"MSGID": msgID, "TOKEN": internalID(), "HOST": mailboxServer(), "USER": ss.userOr("unknown"), "FROM": ss.from}
	if row != "data-queued" {
		delete(extra, "TOKEN")
		delete(extra, "HOST")
	}
	clause := transferClause(size, time.Since(start))
	ss.resetMail()
	return ss.replyDecorated(row, extra, func(text string) string { return withDiagnostics(withTransfer(text, clause)) })
}

// tooBig answers with RFC 1870 section 6's text for a message over SIZE.
func (ss *session) tooBig() bool {
	return ss.send(552, "5.3.4 Message size exceeds fixed maximum message size")
}

// readMessage reads the message up to CRLF "." CRLF and discards it,
// keeping only a well-formed Message-ID header and the number of bytes.
// Lines of any length are read in buffer-sized pieces; the total is
// bounded by maxMessage.
func (ss *session) readMessage() (msgID string, size int64, err error) {
	atStart, inHeader := true, true
	for {
		ss.conn.SetReadDeadline(time.Now().Add(ss.srv.opts.IdleTimeout))
		chunk, err := ss.r.ReadSlice('\n')
		whole := err == nil
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return "", size, err
		}
		size += int64(len(chunk))
		if size > ss.srv.maxMessage {
			return "", size, errTooBig
		}
		if atStart && whole {
			line := strings.TrimRight(string(chunk), "\r\n")
			switch {
			case string(chunk) == ".\r\n":
				return msgID, size - 3, nil
			case line == "":
				inHeader = false
			case inHeader && msgID == "":
				msgID = messageID(line)
			}
		}
		// Only CRLF ends a line for the terminator: a "." after a bare LF
		// does not end the message (the SMTP smuggling class of 2023).
		atStart = whole && len(chunk) >= 2 && chunk[len(chunk)-2] == '\r'
	}
}

// messageID returns the value of a "Message-ID: <left@right>" header line
// when it is plain and short; anything else is ignored (the reply row
// carries it, so it must not smuggle text or placeholders in).
func messageID(line string) string {
	name, v, ok := strings.Cut(line, ":")
	if !ok || !strings.EqualFold(strings.TrimSpace(name), "Message-ID") {
		return ""
	}
	v = strings.TrimSpace(v)
	if len(v) > 200 || !strings.HasPrefix(v, "<") || !strings.HasSuffix(v, ">") {
		return ""
	}
	inner := v[1 : len(v)-1]
	if !strings.Contains(inner, "@") {
		return ""
	}
	for _, r := range inner {
		if r <= ' ' || r > '~' || r == '<' || r == '>' {
			return ""
		}
	}
	return v
}

// parsePath parses "FROM:<addr> params" (keyword given upper case, matched
// case-insensitively, a space after the colon tolerated). The address
// must be in angle brackets and contain no spaces or controls; "<>" is
// the null path.
func parsePath(arg, keyword string) (addr, params string, ok bool) {
	if len(arg) < len(keyword) || !strings.EqualFold(arg[:len(keyword)], keyword) {
		return "", "", false
	}
	rest := strings.TrimLeft(arg[len(keyword):], " ")
	if !strings.HasPrefix(rest, "<") {
		return "", "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", "", false
	}
	addr = rest[1:end]
	for _, r := range addr {
		if r <= ' ' || r == 0x7f || r == '<' {
			return "", "", false
		}
	}
	if addr != "" && !strings.Contains(addr, "@") {
		return "", "", false
	}
	return addr, strings.TrimSpace(rest[end+1:]), true
}

// declaredSize is the SIZE= parameter of MAIL FROM (RFC 1870), 0 when absent.
func declaredSize(params string) int64 {
	for _, p := range strings.Fields(params) {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(k, "SIZE") {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0
			}
			return n
		}
	}
	return 0
}

// accepts reports whether addr is in one of the tenant's accepted
// domains (Options.Domain and MoreDomains, with their subdomains).
func (s *Server) accepts(addr string) bool {
	if accepted(addr, s.opts.Domain) {
		return true
	}
	for _, d := range s.opts.MoreDomains {
		if accepted(addr, d) {
			return true
		}
	}
	return false
}

// accepted reports whether addr is in domain or one of its subdomains.
func accepted(addr, domain string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	d := strings.ToLower(strings.TrimSuffix(addr[at+1:], "."))
	return d == domain || strings.HasSuffix(d, "."+domain)
}

// ValidDomain returns domain in the form the simulator compares with
// (lower case, no final dot), or an error when it is not a DNS domain
// name of at least two labels: letters, digits and hyphens, no label
// starting or ending with a hyphen, 253 characters at most.
func ValidDomain(domain string) (string, error) {
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	labels := strings.Split(d, ".")
	bad := len(d) > 253 || len(labels) < 2
	for _, l := range labels {
		bad = bad || len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' ||
			strings.IndexFunc(l, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') }) >= 0
	}
	if bad {
		return "", fmt.Errorf("sim: %q is not a mail domain (like contoso.com or mail.example.org)", domain)
	}
	return d, nil
}
