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
	Err  error // the underlying error, for errors.Is / errors.As
}

func (e *Error) Error() string {
	if e.Text == "" {
		return string(e.Kind)
	}
	return string(e.Kind) + ": " + e.Text
}

func (e *Error) Unwrap() error { return e.Err }
