package capture

import (
	"time"

	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

// Report is everything one capture recorded, and what it predicts.
// Its JSON field names are a public interface: add, never rename.
type Report struct {
	Persona Persona            `json:"persona"`
	TLSMode transcript.TLSMode `json:"tls_mode"`
	Listen  string             `json:"listen"`
	Started time.Time          `json:"started"`
	Ended   time.Time          `json:"ended"`
	// EndReason says why the capture stopped (EndGrace, EndTimeout, ...).
	EndReason string `json:"end_reason"`
	// AcceptsAnyCredentials is always true: the capture answers AUTH with
	// 235 whatever it gets, so that the device goes on to the envelope.
	AcceptsAnyCredentials bool          `json:"accepts_any_credentials"`
	Connections           []*Connection `json:"connections"`
	// Refused counts connections turned away (over the limit of
	// connections at once or in total) with 421.
	Refused  int       `json:"refused"`
	Findings []Finding `json:"findings"`
}

// Why a capture ended.
const (
	EndGrace       = "no further connection within the grace period"
	EndTimeout     = "timeout"
	EndCancelled   = "cancelled"
	EndConnections = "connection limit reached"
)

// Connection is one TCP connection from the device.
type Connection struct {
	N          int       `json:"n"`
	Source     string    `json:"source"` // the device's address
	Local      string    `json:"local"`  // the address it connected to
	Started    time.Time `json:"started"`
	DurationMS int64     `json:"duration_ms"`
	// Early is what the device sent before the banner, if anything (an
	// implicit-TLS ClientHello, a PROXY header, pre-greet SMTP).
	Early    string `json:"sent_before_banner,omitempty"`
	Greeting string `json:"greeting,omitempty"`  // EHLO or HELO, the first one
	HeloName string `json:"helo_name,omitempty"` // the name it sent
	TLS      *TLS   `json:"tls,omitempty"`
	// Pipelined lists the commands the device sent before the reply to
	// the one before them had been written (RFC 2920).
	Pipelined []string `json:"pipelined,omitempty"`
	// Commands are the verbs in the order sent (AUTH with its mechanism).
	Commands     []string       `json:"commands"`
	Auth         []*AuthAttempt `json:"auth,omitempty"`
	Transactions []*Transaction `json:"transactions,omitempty"`
	// Problems are the bounded failures met: a line over the limit, an
	// idle or session deadline, an unknown command, bytes that were not
	// a ClientHello.
	Problems []string `json:"problems,omitempty"`
	End      string   `json:"end"` // how it ended: QUIT, closed by the device, ...
}

// TLS is what one TLS handshake showed.
type TLS struct {
	Mode  transcript.TLSMode `json:"mode"` // starttls or implicit
	Hello *Hello             `json:"client_hello,omitempty"`
	// NotHello describes what arrived instead of a ClientHello.
	NotHello string `json:"not_hello,omitempty"`
	// Version and CipherSuite are what the capture negotiated with the
	// device (not what Microsoft 365 would: see Microsoft365).
	Version     string `json:"version,omitempty"`
	CipherSuite string `json:"cipher_suite,omitempty"`
	Completed   bool   `json:"completed"`
	Error       string `json:"error,omitempty"`
	// CertRejected: the device aborted on the capture's certificate, so it
	// verifies certificates; CertEvidence says how it showed it.
	CertRejected bool        `json:"certificate_rejected"`
	CertEvidence string      `json:"certificate_evidence,omitempty"`
	Microsoft365 Negotiation `json:"microsoft_365"`
}

// Hello is the device's TLS ClientHello, with IANA names.
type Hello struct {
	Versions []string `json:"versions"`
	// HighestOnly: the hello has no supported_versions extension, so it
	// names only the highest version the device accepts, not the lowest.
	HighestOnly      bool     `json:"highest_version_only"`
	CipherSuites     []string `json:"cipher_suites"`
	Groups           []string `json:"groups"`
	SignatureSchemes []string `json:"signature_schemes"`
	Points           []string `json:"points,omitempty"`
	SNI              string   `json:"sni,omitempty"`
	ALPN             []string `json:"alpn,omitempty"`
	Extensions       []string `json:"extensions,omitempty"`

	versions, suites []uint16 // the numbers, for the prediction
}

// Negotiation is what Microsoft 365 would make of a ClientHello, from its
// documented rules (m365tls.go), not from Go's choice.
type Negotiation struct {
	Version     string `json:"version,omitempty"`
	CipherSuite string `json:"cipher_suite,omitempty"`
	OK          bool   `json:"ok"`
	// Reason is NegotiatedOK, LegacyVersion or NoCommonSuite.
	Reason string `json:"reason"`
	// Likely marks a prediction that rests on an UNCONFIRMED fact.
	Likely bool   `json:"likely"`
	Why    string `json:"why"`
}

// AuthAttempt is one AUTH command and what the device sent with it. It
// never holds a password or a token.
type AuthAttempt struct {
	Mechanism transcript.Mechanism `json:"mechanism"`  // as the device sent it, upper case: also one the probe does not speak
	Offered   bool                 `json:"offered"`    // in the EHLO list the device was shown
	BeforeTLS bool                 `json:"before_tls"` // sent in plain text
	Username  string               `json:"username,omitempty"`
	// UsernameFormat is UsernameUPN, UsernameDownLevel, UsernameBare or UsernameEmpty.
	UsernameFormat string `json:"username_format,omitempty"`
	// UsernameIsPassword: the device sent the expected password as the
	// username (fields swapped); Username then holds a placeholder.
	UsernameIsPassword bool                  `json:"username_is_password,omitempty"`
	Password           *Password             `json:"password,omitempty"`
	Token              *transcript.OAuthInfo `json:"token,omitempty"` // XOAUTH2: the token's claims only
	TokenError         string                `json:"token_error,omitempty"`
	Outcome            string                `json:"outcome"`
}

// Transaction is one MAIL FROM and what followed it.
type Transaction struct {
	MailFrom   string   `json:"mail_from"`
	MailParams []string `json:"mail_params,omitempty"` // SIZE=, BODY=, SMTPUTF8, ...
	RcptTo     []string `json:"rcpt_to"`
	Message    *Message `json:"message,omitempty"`
}

// Message is what the capture read of a message before discarding it.
type Message struct {
	Via             string   `json:"via"` // DATA or BDAT
	Size            int64    `json:"size"`
	From            string   `json:"header_from,omitempty"`
	FromAddress     string   `json:"header_from_address,omitempty"`
	Subject         string   `json:"subject,omitempty"`
	Attachments     int      `json:"attachments"`
	AttachmentTypes []string `json:"attachment_types,omitempty"`
	EightBit        bool     `json:"eight_bit"`
	// Problem is a part of the message the capture could not read (an
	// overlong header, a MIME structure past the limits).
	Problem string `json:"problem,omitempty"`
	// Refused: over SIZE; the capture answered as Exchange Online would.
	Refused string `json:"refused,omitempty"`
}

// Finding is one prediction or fact, as in the run report, with the
// Microsoft page that explains it where there is one.
type Finding struct {
	diagnosis.Finding
	LearnMore string `json:"learn_more,omitempty"`
}
