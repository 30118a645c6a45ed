package runner

import (
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// banner reads the server's greeting; 220 is a working path.
func (s *session) banner() transcript.StageResult {
	reply, err := s.c.read()
	return s.final(reply, err)
}

// ehlo greets the server and records what it advertises. With implicit
// TLS this EHLO is already protected, so its capabilities are also the
// ones after TLS.
func (s *session) ehlo() transcript.StageResult {
	r, caps := s.sayEHLO()
	s.t.Capabilities = caps
	if s.tlsDone {
		s.t.CapabilitiesTLS = caps
	}
	return r
}

// ehloTLS greets the server again inside TLS (RFC 3207 section 4.2: the
// client must discard what it learned before).
func (s *session) ehloTLS() transcript.StageResult {
	r, caps := s.sayEHLO()
	s.t.CapabilitiesTLS = caps
	return r
}

// sayEHLO greets with the device's verb. A HELO reply is a greeting with
// no extension list (RFC 5321 section 4.1.1.1), whatever lines follow it:
// the device reads none of them, so the probe records no capabilities.
func (s *session) sayEHLO() (transcript.StageResult, transcript.Capabilities) {
	helo := s.site.Client.Helo
	verb := "EHLO"
	if s.site.Client.Greeting == specs.GreetingHELO {
		verb = "HELO"
	}
	reply, err := s.c.cmd(verb + " " + helo)
	r := s.final(reply, err)
	if r.Status != transcript.Pass || verb == "HELO" {
		return r, nil
	}
	return r, reply.Capabilities()
}

// caps are the capabilities in force: the second EHLO's after TLS.
func (s *session) caps() transcript.Capabilities {
	if s.tlsDone {
		return s.t.CapabilitiesTLS
	}
	return s.t.Capabilities
}
