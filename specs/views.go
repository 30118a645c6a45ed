package specs

import (
	"fmt"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

// The views of a site the other packages read, each derived here and
// nowhere else: the plan its probe follows, the stages it runs, and what
// the diagnosis knows of it.

// Plan is what the probe of s will do.
func (s *Site) Plan() transcript.Plan {
	return transcript.Plan{
		Method: s.Method,
		TLS:    s.Endpoint.TLS,
		Auth:   s.Auth != nil,
		Data:   s.Envelope.SendMessage,
		Trace:  s.Trace != nil,
		HELO:   s.Client.Greeting == GreetingHELO,
	}
}

// Sequence is the stages the probe of s runs, in order.
func (s *Site) Sequence() []transcript.Stage { return transcript.Sequence(s.Plan()) }

// Input is what the diagnosis needs to know about s besides a transcript,
// credentials included.
func (s *Site) Input() diagnosis.Input {
	return diagnosis.Input{
		Plan: s.Plan(), Host: s.Endpoint.Host, MXDomain: s.Endpoint.MXDomain, Port: s.Endpoint.Port,
		TLSMin: s.Client.TLSMin, TLSMax: s.Client.TLSMax, Creds: s.credentials(),
	}
}

// Setup is what the method check (diagnosis.Misfits) needs to know about s.
func (s *Site) Setup() diagnosis.Setup { return s.Input().Setup() }

// credentials is what the diagnosis needs to know about the site's
// credentials (diagnosis/oauth.go).
func (s *Site) credentials() diagnosis.Credentials {
	in := diagnosis.Credentials{ClientCert: len(s.Client.Certificate) > 0}
	if e := s.Expect[transcript.TLS]; e != nil {
		in.CertDaysMin = e.CertDaysMin
	}
	if s.Auth == nil {
		return in
	}
	in.Mechanism, in.Username = s.Auth.Mechanism, s.Auth.Username
	if s.Auth.OAuth != nil {
		in.TenantID = s.Auth.OAuth.TenantID
	}
	return in
}

// Target is the site's endpoint as host:port, as its transcript names it
// (the MX domain for a site that resolves one), and the AUTH-failure
// guard keys a mailbox's endpoint by it.
func (s *Site) Target() string {
	name := s.Endpoint.Host
	if name == "" {
		name = s.Endpoint.MXDomain
	}
	port := s.Endpoint.Port
	if port == 0 {
		port = DefaultPort(s.Method)
	}
	return fmt.Sprintf("%s:%d", name, port)
}
