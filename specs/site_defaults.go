package specs

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// What a spec leaves out, in one place: the loader decodes every site
// over these, and the runner gives them to a site built another way (a
// test, a forecast's variant) through WithDefaults, so no probe runs
// without a port, an EHLO name or a deadline, the total one included.

// Default ports: 587 is client submission (FACTS.md 1.1); direct send and
// relay reach the tenant's MX on 25 (1.2, 1.3).
const (
	SubmissionPort = 587
	MXPort         = 25
)

// DefaultPort is the port of a method: 587 for submission, 25 for the
// tenant's MX.
func DefaultPort(m transcript.Method) int {
	if m == transcript.Submission {
		return SubmissionPort
	}
	return MXPort
}

// DefaultHelo is the EHLO name when the spec gives none: .invalid is
// reserved (RFC 2606), so it never names a real host.
const DefaultHelo = "smtpspec.invalid"

// Default timeouts: a dead endpoint costs seconds, not minutes. A probe
// is not an MTA (RFC 5321 section 4.5.3.2's minutes are for delivering
// mail, not for finding out whether a path works); the numbers are what a
// healthy path needs with room to spare, and no more:
//   - Connect (also DNS and the TLS handshake) 5s: Linux resends a lost
//     SYN after 1s and 3s, so three attempts fit; a black-holed port 25
//     (the commonest dead endpoint) then costs 5s, not 10s.
//   - Command 15s: Exchange Online answers in well under a second, AUTH
//     (checked against Entra ID) and end of data in a few; a middlebox
//     that stalls a command is named after 15s instead of 30s.
//   - Total 60s: a working probe takes under 5s even on a slow path; the
//     cap keeps a server that answers every command just in time from
//     holding a CI job for minutes (the sum of stage deadlines is more).
const (
	DefaultConnect = 5 * time.Second
	DefaultCommand = 15 * time.Second
	DefaultTotal   = 60 * time.Second
)

// DefaultTimeouts are the deadlines of a site whose spec names none.
var DefaultTimeouts = Timeouts{Connect: DefaultConnect, Command: DefaultCommand, Total: DefaultTotal}

// WithDefaults returns s, or a copy of it with the defaults a probe needs
// where s leaves them zero: the port, the EHLO name and each deadline.
// A loaded site has them all and comes back as it is.
func (s *Site) WithDefaults() *Site {
	c := *s
	if c.Endpoint.Port == 0 {
		c.Endpoint.Port = DefaultPort(c.Method)
	}
	if c.Client.Helo == "" {
		c.Client.Helo = DefaultHelo
	}
	for _, d := range []struct {
		got *time.Duration
		def time.Duration
	}{
		{&c.Timeouts.Connect, DefaultConnect}, {&c.Timeouts.Command, DefaultCommand}, {&c.Timeouts.Total, DefaultTotal}} {
		if *d.got <= 0 {
			*d.got = d.def
		}
	}
	if c.Endpoint == s.Endpoint && c.Client.Helo == s.Client.Helo && c.Timeouts == s.Timeouts {
		return s
	}
	return &c
}
