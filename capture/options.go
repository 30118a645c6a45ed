package capture

import (
	"crypto/tls"
	"fmt"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// Persona is which Exchange Online endpoint the capture plays.
type Persona string

const (
	// Submission is smtp.office365.com:587: STARTTLS, then AUTH LOGIN XOAUTH2.
	Submission Persona = "submission"
	// MX is the tenant's MX (<tenant>.mail.protection.outlook.com:25):
	// STARTTLS, no AUTH (FACTS.md 2.2), for Direct Send and relay devices.
	MX Persona = "mx"
)

// Personas lists the valid personas.
var Personas = []Persona{Submission, MX}

// method is the sending method the persona's endpoint stands for (the
// simulator's front end and the catalog's banner rows take a method).
func (p Persona) method() transcript.Method {
	if p == MX {
		return transcript.DirectSend
	}
	return transcript.Submission
}

// Port is the port the persona's endpoint listens on.
func (p Persona) Port() int {
	if p == MX {
		return 25
	}
	return 587
}

// Options configures a capture. Zero values mean the defaults below.
type Options struct {
	Persona Persona
	TLSMode transcript.TLSMode // starttls (default), implicit or none
	// Certificate, when set, is presented instead of one the capture's CA
	// signs (--cert/--key with the customer's own).
	Certificate *tls.Certificate
	CA          *CA // signs the leaf certificates; nil: a new one
	// ExpectedPassword is the mailbox password each AUTH is compared with
	// (constant time); the capture wipes it when it ends. nil: no check.
	ExpectedPassword []byte
	ExpectedEnv      string // the variable it came from, for the report

	Timeout     time.Duration // the whole capture (default 10m)
	Grace       time.Duration // after the last connection closes (default 5s)
	Connections int           // connections recorded in all (default 10)
	Parallel    int           // connections at once (default 4)
	// Idle bounds every read and write (default 30s); Session bounds one
	// connection whatever it does (default 5m): a device dripping a byte
	// every few seconds (slowloris) is cut off then.
	Idle    time.Duration
	Session time.Duration
	// EarlyWait is how long the capture waits for a device that speaks
	// first (an implicit-TLS ClientHello) before it sends the banner
	// (default 700ms).
	EarlyWait time.Duration
	Now       func() time.Time
	// Logf gets one line per connection event, never a credential.
	Logf func(format string, args ...any)
}

// Defaults for Options.
const (
	DefaultTimeout     = 10 * time.Minute
	DefaultGrace       = 5 * time.Second
	DefaultConnections = 10
	DefaultParallel    = 4
	DefaultIdle        = 30 * time.Second
	DefaultSession     = 5 * time.Minute
	DefaultEarlyWait   = 700 * time.Millisecond
)

// Limits on what one connection may send. A command line, CRLF included,
// is at most maxLine bytes (RFC 5321 section 4.5.3.1.4 allows 512; devices
// send more with long addresses). An AUTH response is at most maxAuthLine:
// an XOAUTH2 string carries a JWT of a few kilobytes (Entra ID tokens
// with group claims reach ~8 KB); a 10 MB blob ends the connection.
const (
	maxLine     = 4096
	maxAuthLine = 32 << 10
	maxCommands = 200 // commands per connection
)

func (o *Options) defaults() error {
	switch o.Persona {
	case "":
		o.Persona = Submission
	case Submission, MX:
	default:
		return fmt.Errorf("capture: unknown persona %q (submission or mx)", o.Persona)
	}
	switch o.TLSMode {
	case "":
		o.TLSMode = transcript.StartTLS
	case transcript.StartTLS, transcript.Implicit, transcript.NoTLS:
	default:
		return fmt.Errorf("capture: unknown TLS mode %q (starttls, implicit or none)", o.TLSMode)
	}
	setDur(&o.Timeout, DefaultTimeout)
	setDur(&o.Grace, DefaultGrace)
	setDur(&o.Idle, DefaultIdle)
	setDur(&o.Session, DefaultSession)
	setDur(&o.EarlyWait, DefaultEarlyWait)
	if o.Connections <= 0 {
		o.Connections = DefaultConnections
	}
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return nil
}

func setDur(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}
