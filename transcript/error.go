package transcript

// Kind classifies a failure that is not a server reply. The vocabulary is
// small on purpose: specs expect these names (`expect "banner" { error =
// "timeout" }`) and the diagnosis maps each to a category.
type Kind string

const (
	KindDNS         Kind = "dns"         // name did not resolve
	KindRefused     Kind = "refused"     // TCP RST on connect
	KindTimeout     Kind = "timeout"     // a stage deadline passed
	KindUnreachable Kind = "unreachable" // no route / network unreachable
	KindReset       Kind = "reset"       // connection reset mid-conversation
	KindClosed      Kind = "closed"      // peer closed the connection (EOF)
	KindTLS         Kind = "tls"         // handshake or certificate failure
	KindProtocol    Kind = "protocol"    // malformed reply, line too long, bad code
	KindToken       Kind = "token"       // no usable OAuth token for XOAUTH2 (nothing was sent)
	KindTrace       Kind = "trace"       // message trace lookup failed: Graph refused, throttled or broke (trace.go)
)

// Kinds lists every Kind, for validation of specs.
var Kinds = []Kind{KindDNS, KindRefused, KindTimeout, KindUnreachable, KindReset, KindClosed, KindTLS, KindProtocol, KindToken, KindTrace}

// Error is a classified failure of a stage. Text is safe to show: it never
// contains a secret (the recording client builds it from its own words and
// the server's bytes, never from what it sent during AUTH).
type Error struct {
	Kind Kind
	Text string
	// Reason is what the failure is known to be, as data: the probe sets
	// it from typed errors where they arise, explain from a paste's words.
	Reason Reason
	Err    error // the underlying error, for errors.Is / errors.As
}

func (e *Error) Error() string {
	if e.Text == "" {
		return string(e.Kind)
	}
	return string(e.Kind) + ": " + e.Text
}

func (e *Error) Unwrap() error { return e.Err }

// Reason is a set of facts about a failure that its Kind does not say,
// learnt where the failure arose: the probe reads crypto/tls, x509,
// Microsoft Graph and token errors with errors.As (runner), explain reads
// the words of a paste. The diagnosis reads only these, never an error's
// text. Several facts can hold at once: an x509 error that names an
// unknown authority is Certificate and UnknownAuthority.
type Reason uint32

const (
	// NotTLS: the peer does not speak TLS (its first record is none:
	// tls.RecordHeaderError), as a plaintext STARTTLS port answers.
	NotTLS Reason = 1 << iota
	// TLSVersion: the two sides share no TLS version (the alert
	// protocol_version, or a version the client does not offer).
	TLSVersion
	// Certificate: the server's certificate did not verify.
	Certificate
	// UnknownAuthority, WrongName and Expired say why it did not verify:
	// x509.UnknownAuthorityError, x509.HostnameError, and
	// x509.CertificateInvalidError with reason Expired.
	UnknownAuthority
	WrongName
	Expired
	// Cut: the connection went away (reset, closed) during the handshake.
	Cut
	// CAFile: the spec's ca_file could not be read as trusted roots.
	CAFile
	// TokenRefused: Microsoft Entra ID refused the OAuth token request
	// (an AADSTS error), so there was no token for XOAUTH2.
	TokenRefused
	// AuthNotOffered and STARTTLSNotOffered: the client says the server
	// offered no AUTH, no STARTTLS (explain's pastes).
	AuthNotOffered
	STARTTLSNotOffered
	// GraphUnauthorized and GraphForbidden: Microsoft Graph refused the
	// message trace lookup with 401 or 403.
	GraphUnauthorized
	GraphForbidden
	// NoGraphToken: no access token for Microsoft Graph.
	NoGraphToken
	// Throttled: Graph throttled the lookup, or the tenant's message
	// trace quota is spent.
	Throttled
)

// Has reports whether every fact of f holds.
func (r Reason) Has(f Reason) bool { return f != 0 && r&f == f }
