package capture

import (
	"net"
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

// device is everything captured, seen as one device: the rules and the
// spec read it rather than the connections one by one.
type device struct {
	rep   *Report
	opts  Options
	conns []*Connection
	// main is the connection that got furthest (a message over an
	// envelope over AUTH over TLS): the spec is written from it.
	main *Connection
}

func newDevice(rep *Report, opts Options) *device {
	d := &device{rep: rep, opts: opts, conns: rep.Connections}
	best := -1
	for _, c := range d.conns {
		if s := progress(c); s > best {
			d.main, best = c, s
		}
	}
	return d
}

// progress scores how far a connection got.
func progress(c *Connection) int {
	s := 0
	switch {
	case lastMessage(c) != nil:
		s = 50
	case len(c.Transactions) > 0 && len(c.Transactions[0].RcptTo) > 0:
		s = 40
	case len(c.Transactions) > 0:
		s = 30
	case len(c.Auth) > 0:
		s = 20
	case c.TLS != nil && c.TLS.Completed:
		s = 10
	case c.Greeting != "":
		s = 5
	}
	if c.TLS != nil && c.TLS.Hello != nil {
		s++ // of two test connections, the one that showed its hello
	}
	return s
}

func lastMessage(c *Connection) *Message {
	for i := len(c.Transactions) - 1; i >= 0; i-- {
		if m := c.Transactions[i].Message; m != nil && m.Via != "SIZE" {
			return m
		}
	}
	return nil
}

// auths, hellos and transactions of every connection, in order.
func (d *device) auths() []*AuthAttempt {
	var out []*AuthAttempt
	for _, c := range d.conns {
		out = append(out, c.Auth...)
	}
	return out
}

func (d *device) tlss() []*TLS {
	var out []*TLS
	for _, c := range d.conns {
		if c.TLS != nil {
			out = append(out, c.TLS)
		}
	}
	return out
}

func (d *device) transactions() []*Transaction {
	var out []*Transaction
	for _, c := range d.conns {
		out = append(out, c.Transactions...)
	}
	return out
}

// username is the first username the device sent, "" when none.
func (d *device) username() string {
	for _, a := range d.auths() {
		if a.Username != "" {
			return a.Username
		}
	}
	return ""
}

// port is the port the device connected to.
func (d *device) port() int {
	if d.main == nil {
		return d.opts.Persona.Port()
	}
	_, p, _ := net.SplitHostPort(d.main.Local)
	n, _ := strconv.Atoi(p)
	return n
}

// implicit reports a device that starts TLS on connect.
func (d *device) implicit() bool {
	for _, t := range d.tlss() {
		if t.Mode == transcript.Implicit {
			return true
		}
	}
	return false
}

// saidHELO reports a device whose greeting is HELO.
func (d *device) saidHELO() bool { return d.main != nil && d.main.Greeting == "HELO" }

// setup is the device as diagnosis.Misfits sees a spec: the Microsoft 365
// endpoint of the persona, the port the device used when it is an SMTP
// port, its TLS and whether it authenticated.
func (d *device) setup() diagnosis.Setup {
	s := diagnosis.Setup{Method: d.method(), Host: endpointHost(d.opts.Persona), Port: d.opts.Persona.Port(),
		TLS: transcript.StartTLS, Auth: len(d.auths()) > 0, HELO: d.saidHELO()}
	if p := d.port(); p == 25 || p == 465 || p == 587 {
		s.Port = p
	}
	if d.implicit() {
		s.TLS = transcript.Implicit
	} else if c := d.main; c != nil && c.TLS == nil && d.opts.TLSMode != transcript.NoTLS && !d.saidHELO() && (len(c.Auth) > 0 || len(c.Transactions) > 0) {
		s.TLS = transcript.NoTLS // it went on without STARTTLS, offered or not
	}
	return s
}

// method is the sending method the device uses: submission on the
// submission persona; on the MX, relay when a recipient is outside the
// sender's domain (Direct Send reaches the tenant's own mailboxes only,
// FACTS.md 1.2), else Direct Send.
func (d *device) method() transcript.Method {
	if d.opts.Persona == Submission {
		return transcript.Submission
	}
	for _, tx := range d.transactions() {
		for _, r := range tx.RcptTo {
			if !sameDomain(tx.MailFrom, r) {
				return transcript.Relay
			}
		}
	}
	return transcript.DirectSend
}

// endpointHost is the Microsoft 365 host a persona stands for; the MX's
// tenant part is a placeholder the spec replaces with mx_domain.
func endpointHost(p Persona) string {
	if p == MX {
		return "tenant.mail.protection.outlook.com"
	}
	return "smtp.office365.com"
}

func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(addr[at+1:], "."))
}

func sameDomain(a, b string) bool { return domainOf(a) != "" && domainOf(a) == domainOf(b) }
