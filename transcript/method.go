package transcript

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
