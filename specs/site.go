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
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/transcript"
)

// Site is one device path to Microsoft 365, as declared by `site "NAME" {}`.
type Site struct {
	Name       string
	Method     transcript.Method
	Labels     Labels // labels.go: customer and tags, for fleet reports
	Endpoint   Endpoint
	Client     Client
	Auth       *Auth // nil when the spec has no auth block
	Envelope   Envelope
	Timeouts   Timeouts
	DNS        DNS        // dns.go: the resolver the probe asks
	Reputation Reputation // reputation.go: public IP, blocklists, SPF
	Trace      *Trace     // trace.go: message trace lookup; nil without a trace block
	// Expect holds the spec's expectations by stage name.
	Expect map[transcript.Stage]*checks.Expect
	// Golden is how the site's golden is rendered: detail level and user
	// redaction rules (the golden block over the file's defaults).
	Golden golden.Options
	// Control is the control probe (checklist step 8): a submission site
	// named "<site>.control", nil without a control block (control.go).
	Control *Site
	// DeclRange is the `site "NAME"` header, for messages and annotations.
	DeclRange hcl.Range
	// Env is every env() read of the site (its control's and the file
	// defaults' included), in source order: EnvVars lists each once.
	Env []EnvVar
}

// Endpoint is where the device connects.
type Endpoint struct {
	Host       string // host name or address; "" when MXDomain is used
	MXDomain   string // direct_send/relay: resolve the MX of this domain
	Port       int    // defaults: 587 submission, 25 otherwise
	TLS        transcript.TLSMode
	ServerName string // name verified in the certificate; defaults to Host
	CAFile     string // extra trusted roots (PEM), resolved relative to the spec file
	// InsecureSkipVerify (insecure_skip_verify = true) lets the TLS stage
	// pass with a certificate that does not verify; every report warns.
	InsecureSkipVerify bool
}

// Client is what the printer can do; the probe behaves like it.
type Client struct {
	Helo           string // EHLO name; default "smtpspec.invalid"
	TLSMin         uint16 // tls.VersionTLS10 ... tls.VersionTLS13
	TLSMax         uint16
	AuthMechanisms []transcript.Mechanism // mechanisms the device supports, upper case
	// Certificate (PEM chain, leaf first) and Key are the TLS client
	// certificate the device presents, for a connector that matches by
	// certificate (client_cert.go); nil/unset when it presents none.
	Certificate []byte
	Key         Secret
	// Pipelining sends MAIL, RCPT, RSET and QUIT as one group when the
	// server advertises PIPELINING (RFC 2920); the decoder's default is
	// true, and `pipelining = false` emulates a printer that does not.
	Pipelining bool
	// Greeting is the verb the device greets with: "EHLO" (the decoder's
	// default) or "HELO" for a device that speaks plain SMTP and so never
	// sees the server's extensions, STARTTLS and AUTH among them.
	Greeting string
}

// Auth is how the device authenticates.
type Auth struct {
	Mechanism transcript.Mechanism // LOGIN, PLAIN or XOAUTH2
	Username  string
	Password  Secret
	Token     Secret
	OAuth     *OAuth // XOAUTH2 token acquisition and self-check (oauth.go); nil without
}

// Envelope is the SMTP envelope the probe offers.
type Envelope struct {
	From        string
	To          []string
	SendMessage bool // false: RSET and QUIT after RCPT TO, never DATA
	// MessageSize is the test message's size in bytes (message_size;
	// 0: the small default message). runner/message.go builds it.
	MessageSize int64
}

// Timeouts bounds the probe. Every stage has its own deadline (Command,
// or Connect for resolve/connect/TLS handshake) and the whole site Total.
type Timeouts struct {
	Connect time.Duration
	Command time.Duration
	Total   time.Duration
}

// Secrets returns the values of every secret of s, for redaction.
func (s *Site) Secrets() []string {
	secrets := []Secret{s.Client.Key}
	if s.Auth != nil {
		secrets = append(secrets, s.Auth.Password, s.Auth.Token)
		if s.Auth.OAuth != nil {
			secrets = append(secrets, s.Auth.OAuth.ClientSecret)
		}
	}
	if s.Trace != nil {
		secrets = append(secrets, s.Trace.ClientSecret)
	}
	var out []string
	for _, sec := range secrets {
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
