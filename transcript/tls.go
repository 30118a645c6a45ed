package transcript

import "time"

// TLSInfo records what the TLS handshake established. NotAfter and the
// chain details go to JSON and HTML reports; goldens pin only the stable
// facts (version, verification outcome, subject).
type TLSInfo struct {
	Version     string // "TLS1.2", "TLS1.3"
	CipherSuite string
	ServerName  string // the name verified against the certificate
	Verified    bool
	VerifyError string // why verification failed, when it did
	// VerifyReason is VerifyError as data: Certificate and, when the
	// verifier said, UnknownAuthority, WrongName or Expired.
	VerifyReason Reason
	// VerifySkipped: the spec turned verification off
	// (insecure_skip_verify), so a VerifyError did not fail the handshake.
	VerifySkipped bool
	Subject       string
	Issuer        string
	SANs          []string
	NotAfter      time.Time
	// EarliestNotAfter is the earliest NotAfter of the certificates the
	// server presented (leaf and intermediates), as blackbox_exporter's
	// probe_ssl_earliest_cert_expiry reads it: an expiring intermediate
	// breaks the path as surely as an expiring leaf.
	EarliestNotAfter time.Time
	// Client is the certificate the probe presented (client { certificate
	// }), nil when it presented none (oauth.go).
	Client *ClientCert
}

// Unverified reports a certificate that did not verify: the probe
// recorded why, or the handshake completed without verification (and
// the spec did not turn verification off).
func (i *TLSInfo) Unverified() bool {
	return i != nil && !i.Verified && !i.VerifySkipped && (i.VerifyError != "" || i.Version != "")
}
