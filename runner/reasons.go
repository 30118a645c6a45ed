package runner

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"

	"github.com/smtpspec/smtpspec/msgtrace"
	"github.com/smtpspec/smtpspec/oauth"
	"github.com/smtpspec/smtpspec/transcript"
)

// The boundary where an error's type is still known: each failure gets
// its transcript.Reason here, so the diagnosis reads data, never the
// error's words.

// certReason is why a server's chain did not verify (verify in tls.go):
// Certificate, and what the verifier said.
func certReason(err error) transcript.Reason {
	r := transcript.Certificate
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua):
		r |= transcript.UnknownAuthority
	case errors.As(err, &hn):
		r |= transcript.WrongName
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		r |= transcript.Expired
	}
	return r
}

// handshakeReason is what a failed handshake's error says besides the
// certificate (the handshake records that itself). crypto/tls gives two
// version failures no type of its own: their words are matched here,
// where they are known to be Go's.
func handshakeReason(err error) transcript.Reason {
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &rh) && rh.Conn != nil: // "first record does not look like a TLS handshake"
		return transcript.NotTLS
	case remoteAlert(err, alertProtocolVersion),
		strings.HasPrefix(err.Error(), "tls: server selected unsupported protocol version"),
		err.Error() == "tls: no supported versions satisfy MinVersion and MaxVersion":
		return transcript.TLSVersion
	}
	return 0
}

// alertProtocolVersion is TLS's protocol_version alert (RFC 8446 section 6.2).
const alertProtocolVersion tls.AlertError = 70

// remoteAlert reports the peer's alert a: crypto/tls returns alerts it
// receives as a *net.OpError "remote error" around its own alert type,
// whose words are tls.AlertError's.
func remoteAlert(err error, a tls.AlertError) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "remote error" && oe.Err != nil && oe.Err.Error() == a.Error()
}

// tokenReason is a failed token request's: refused by Entra ID with an
// AADSTS error, or nothing known.
func tokenReason(err error) transcript.Reason {
	if aadsts(err) != "" {
		return transcript.TokenRefused
	}
	return 0
}

// aadsts is the Entra ID error number of a failed token request, "" for none.
func aadsts(err error) string {
	var te *oauth.TokenError
	if errors.As(err, &te) {
		return te.AADSTS
	}
	return ""
}

// traceReason is a message trace lookup's failure.
func traceReason(err error) transcript.Reason {
	var ge *msgtrace.GraphError
	var te *msgtrace.TokenError
	var th *msgtrace.ThrottledError
	var qe *msgtrace.QuotaError
	isGraph := errors.As(err, &ge)
	switch {
	case isGraph && ge.Status == 401:
		return transcript.GraphUnauthorized
	case isGraph && ge.Status == 403:
		return transcript.GraphForbidden
	case errors.As(err, &te):
		return transcript.NoGraphToken
	case errors.As(err, &th), isGraph && ge.Status == 429, errors.As(err, &qe):
		return transcript.Throttled
	}
	return 0
}
