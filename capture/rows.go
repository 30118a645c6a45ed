package capture

import (
	"fmt"
	"strings"
	"time"
)

// row is one line of a connection's summary: the human and Markdown
// reports print the same rows, each its own way.
type row struct{ label, value string }

// summary is the report's opening sentence.
func summary(rep *Report) string {
	return fmt.Sprintf("smtpspec capture on %s (persona %s, TLS %s): %d connection(s), %s; ended: %s",
		rep.Listen, rep.Persona, rep.TLSMode, len(rep.Connections), rep.Ended.Sub(rep.Started).Round(time.Millisecond), rep.EndReason)
}

const acceptsAny = "The capture answers AUTH with 235 whatever it gets, so the device goes on: a success here proves nothing about the credentials."

func connTitle(c *Connection) string {
	return fmt.Sprintf("Connection %d from %s to %s, %dms, ended: %s", c.N, c.Source, c.Local, c.DurationMS, c.End)
}

// connRows are the facts of one connection, in protocol order.
func connRows(c *Connection) []row {
	var rs []row
	add := func(l, v string) {
		if v != "" {
			rs = append(rs, row{l, v})
		}
	}
	add("before banner", c.Early)
	if c.Greeting != "" {
		add("greeting", c.Greeting+" "+c.HeloName)
	}
	add("commands", strings.Join(c.Commands, ", "))
	if len(c.Transactions) > 0 || len(c.Pipelined) > 0 {
		add("pipelining", pipeliningText(c))
	}
	rs = append(rs, tlsRows(c.TLS)...)
	for _, a := range c.Auth {
		add("AUTH "+string(a.Mechanism), authText(a))
	}
	for _, tx := range c.Transactions {
		mail := "<" + tx.MailFrom + ">"
		if len(tx.MailParams) > 0 {
			mail += " " + strings.Join(tx.MailParams, " ")
		}
		add("MAIL FROM", mail)
		add("RCPT TO", angle(tx.RcptTo))
		if tx.Message != nil {
			add("message", messageText(tx.Message))
		}
	}
	for _, p := range c.Problems {
		add("problem", p)
	}
	return rs
}

func pipeliningText(c *Connection) string {
	if len(c.Pipelined) == 0 {
		return "no: it waited for every reply"
	}
	return "yes: " + strings.Join(c.Pipelined, ", ") + " sent without waiting for the reply before"
}

func tlsRows(t *TLS) []row {
	if t == nil {
		return []row{{"TLS", "none"}}
	}
	state := "completed with the capture: " + t.Version + " " + t.CipherSuite
	if !t.Completed {
		state = "failed: " + t.Error
	}
	rs := []row{{"TLS", string(t.Mode) + ", " + state}}
	if t.NotHello != "" {
		rs = append(rs, row{"not a hello", t.NotHello})
	}
	if h := t.Hello; h != nil {
		v := strings.Join(h.Versions, ", ")
		if h.HighestOnly {
			v += " (the hello names only its highest version)"
		}
		rs = append(rs, row{"versions", v}, row{"cipher suites", strings.Join(h.CipherSuites, ", ")},
			row{"groups", orDash(h.Groups)}, row{"signatures", orDash(h.SignatureSchemes)},
			row{"SNI / ALPN", orDashS(h.SNI) + " / " + orDash(h.ALPN)}, row{"extensions", orDash(h.Extensions)})
		n := t.Microsoft365
		verdict := "fails"
		if n.OK {
			verdict = strings.TrimSpace(n.Version + " " + n.CipherSuite)
		}
		if n.Likely {
			verdict += " (likely: rests on an unconfirmed fact)"
		}
		rs = append(rs, row{"Microsoft 365", verdict + ": " + n.Why})
	}
	if t.CertRejected {
		rs = append(rs, row{"certificate", "rejected by the device: " + t.CertEvidence})
	}
	return rs
}

func authText(a *AuthAttempt) string {
	parts := []string{}
	if a.Username != "" {
		parts = append(parts, fmt.Sprintf("username \"%s\" (%s)", a.Username, a.UsernameFormat))
	}
	if p := a.Password; p != nil {
		parts = append(parts, passwordText(p))
	}
	if o := a.Token; o != nil {
		parts = append(parts, fmt.Sprintf("token claims: aud %s, tid %s, scp %s, roles %s, expires %s", orDash(o.Audience), orDashS(o.TenantID),
			orDash(o.Scopes), orDash(o.Roles), o.Expires.UTC().Format(time.RFC3339)))
	}
	if a.TokenError != "" {
		parts = append(parts, "token unreadable: "+a.TokenError)
	}
	where := "after TLS"
	if a.BeforeTLS {
		where = "before TLS"
	}
	offered := "offered"
	if !a.Offered {
		offered = "not offered"
	}
	return strings.Join(append(parts, where+", "+offered, a.Outcome), "; ")
}

func passwordText(p *Password) string {
	if p.DigestOnly {
		return "password not sent (CRAM-MD5 digest); matches expected: " + p.Match
	}
	props := []string{fmt.Sprintf("password %d characters (%d bytes)", p.Length, p.Bytes)}
	flag := func(on bool, s string) {
		if on {
			props = append(props, s)
		}
	}
	flag(p.LeadingSpace, "leading whitespace")
	flag(p.TrailingSpace, "trailing whitespace")
	flag(p.NotUTF8, "not UTF-8")
	flag(p.NonLatin1, "non-Latin-1")
	flag(p.NonASCII && !p.NonLatin1, "non-ASCII")
	flag(p.Control, "control characters")
	flag(len(p.MangleProne) > 0, "mangle-prone "+strings.Join(p.MangleProne, " "))
	flag(p.Match != "", "matches expected: "+p.Match)
	return strings.Join(props, ", ")
}

func messageText(m *Message) string {
	if m.Via == "SIZE" {
		return fmt.Sprintf("declared SIZE=%d; %s", m.Size, m.Refused)
	}
	s := fmt.Sprintf("%s, %d bytes; From %s; Subject %q; %d attachment(s)", m.Via, m.Size, orDashS(m.From), m.Subject, m.Attachments)
	if len(m.AttachmentTypes) > 0 {
		s += " (" + strings.Join(m.AttachmentTypes, ", ") + ")"
	}
	if m.EightBit {
		s += "; 8-bit data"
	}
	for _, x := range []string{m.Problem, m.Refused} {
		if x != "" {
			s += "; " + x
		}
	}
	return s + "; discarded"
}

func angle(list []string) string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = "<" + a + ">"
	}
	return strings.Join(out, ", ")
}

func orDash(list []string) string {
	if len(list) == 0 {
		return "-"
	}
	return strings.Join(list, ", ")
}

func orDashS(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
