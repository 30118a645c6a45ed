// Package specs is the smtpspec spec language: the HCL schema of a site,
// the loader that turns files into []*Site, and the validation that reports
// every problem as an hcl.Diagnostic with file, line and column. It does not
// probe anything and never reads a secret's value into a diagnostic.
package specs

import (
	"crypto/tls"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/checks"
)

// Site is one device path to Microsoft 365, as declared by `site "NAME" {}`.
type Site struct {
	Name     string
	Method   checks.Method
	Endpoint Endpoint
	Client   Client
	Auth     *Auth // nil when the spec has no auth block
	Envelope Envelope
	Timeouts Timeouts
	// Expect holds the spec's expectations by stage name.
	Expect map[string]*checks.Expect
	// DeclRange is the `site "NAME"` header, for messages and annotations.
	DeclRange hcl.Range
}

// Endpoint is where the device connects.
type Endpoint struct {
	Host       string // host name or address; "" when MXDomain is used
	MXDomain   string // direct_send/relay: resolve the MX of this domain
	Port       int    // defaults: 587 submission, 25 otherwise
	TLS        checks.TLSMode
	ServerName string // name verified in the certificate; defaults to Host
	CAFile     string // extra trusted roots (PEM), resolved relative to the spec file
}

// Client is what the printer can do; the probe behaves like it.
type Client struct {
	Helo           string // EHLO name; default "smtpspec.invalid"
	TLSMin         uint16 // tls.VersionTLS10 ... tls.VersionTLS13
	TLSMax         uint16
	AuthMechanisms []string // mechanisms the device supports, upper case
}

// Auth is how the device authenticates.
type Auth struct {
	Mechanism string // LOGIN, PLAIN or XOAUTH2
	Username  string
	Password  Secret
	Token     Secret
}

// Envelope is the SMTP envelope the probe offers.
type Envelope struct {
	From        string
	To          []string
	SendMessage bool // false: RSET and QUIT after RCPT TO, never DATA
}

// Timeouts bounds the probe. Every stage has its own deadline (Command,
// or Connect for resolve/connect/TLS handshake) and the whole site Total.
type Timeouts struct {
	Connect time.Duration
	Command time.Duration
	Total   time.Duration
}

// Default timeouts: a dead endpoint costs seconds, not minutes.
const (
	DefaultConnect = 10 * time.Second
	DefaultCommand = 30 * time.Second
	DefaultTotal   = 120 * time.Second
)

// Plan is what the probe of s will do.
func (s *Site) Plan() checks.Plan {
	return checks.Plan{
		Method: s.Method,
		TLS:    s.Endpoint.TLS,
		Auth:   s.Auth != nil,
		Data:   s.Envelope.SendMessage,
	}
}

// Secrets returns the values of every secret of s, for redaction.
func (s *Site) Secrets() []string {
	if s.Auth == nil {
		return nil
	}
	var out []string
	for _, sec := range []Secret{s.Auth.Password, s.Auth.Token} {
		if v := sec.Reveal(); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// TLSVersionNames maps spec spellings to crypto/tls versions.
var TLSVersionNames = map[string]uint16{
	"1.0": tls.VersionTLS10,
	"1.1": tls.VersionTLS11,
	"1.2": tls.VersionTLS12,
	"1.3": tls.VersionTLS13,
}
