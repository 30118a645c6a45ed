package transcript

// Mechanism is a SASL mechanism the probe speaks at AUTH (RFC 4954), as a
// spec names it: upper case.
type Mechanism string

const (
	MechLogin   Mechanism = "LOGIN"   // basic auth, what Microsoft 365 advertises (FACTS.md 1.1)
	MechPlain   Mechanism = "PLAIN"   // basic auth, for other servers and for testing that
	MechXOAuth2 Mechanism = "XOAUTH2" // an OAuth access token (FACTS.md 1.1)
)

// Mechanisms lists the mechanisms the probe implements, the default of a
// spec's client.auth_mechanisms.
var Mechanisms = []Mechanism{MechLogin, MechPlain, MechXOAuth2}

// Basic reports whether m sends a password (LOGIN, PLAIN): what
// Microsoft 365 retires for SMTP AUTH (FACTS.md §0).
func (m Mechanism) Basic() bool { return m == MechLogin || m == MechPlain }
