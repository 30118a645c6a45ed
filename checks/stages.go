// Package checks judges what a probe recorded: one check per stage, the
// spec's expectations, the Microsoft 365 reply catalog, and the diagnosis
// that turns a transcript into one verdict. It does not talk to the
// network and does not read specs; the specs package builds the Expect
// values, the runner builds transcripts.
package checks

import (
	"slices"

	"github.com/smtpspec/smtpspec/transcript"
)

// Method is how a device sends through Microsoft 365 (DESIGN.md, the three
// methods; FACTS.md section 1).
type Method string

const (
	Submission Method = "submission"  // smtp.office365.com:587, SMTP AUTH
	DirectSend Method = "direct_send" // tenant MX :25, anonymous, own mailboxes only
	Relay      Method = "relay"       // tenant MX :25 through an inbound connector
)

// Methods lists the valid methods in the order the docs present them.
var Methods = []Method{Submission, DirectSend, Relay}

// TLSMode is how the probe protects the session.
type TLSMode string

const (
	StartTLS TLSMode = "starttls" // plaintext banner, then STARTTLS (RFC 3207)
	Implicit TLSMode = "implicit" // TLS from the first byte (port 465 style)
	NoTLS    TLSMode = "none"     // never encrypt
)

// TLSModes lists the valid TLS modes.
var TLSModes = []TLSMode{StartTLS, Implicit, NoTLS}

// Plan describes what a site's probe will do; Sequence derives the stages.
type Plan struct {
	Method Method
	TLS    TLSMode
	Auth   bool // the spec has an auth block
	Data   bool // envelope.send_message
	Trace  bool // the spec has a trace block: look the message up in message trace
	// HELO: the device greets with HELO (client.greeting), so the server
	// lists no extensions and the device never sends STARTTLS or AUTH.
	HELO bool
}

// Sequence returns the stages a probe of this plan runs, in order.
func Sequence(p Plan) []transcript.Stage {
	seq := []transcript.Stage{transcript.Resolve, transcript.Connect}
	switch p.TLS {
	case Implicit:
		seq = append(seq, transcript.TLS, transcript.Banner, transcript.EHLO)
	case NoTLS:
		seq = append(seq, transcript.Banner, transcript.EHLO)
	default:
		seq = append(seq, transcript.Banner, transcript.EHLO)
		if !p.HELO { // STARTTLS is an extension, and HELO lists none
			seq = append(seq, transcript.STARTTLS, transcript.TLS, transcript.EHLOTLS)
		}
	}
	if p.Auth && !p.HELO {
		seq = append(seq, transcript.Auth)
	}
	seq = append(seq, transcript.Mail, transcript.Rcpt)
	if p.Data {
		seq = append(seq, transcript.Data)
	}
	seq = append(seq, transcript.Quit)
	if p.Data && p.Trace {
		seq = append(seq, transcript.Trace) // after the session: trace needs nothing of the connection
	}
	return seq
}

// Reaches reports whether a probe of plan p can reach stage.
func Reaches(p Plan, stage transcript.Stage) bool { return slices.Contains(Sequence(p), stage) }
