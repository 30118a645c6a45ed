package explain

import (
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// What a pasted error's words say it is, as the probe's typed errors say
// it (transcript.Reason): the diagnosis reads the reasons, and text is
// all a paste has. Each pattern is one reason; the diagnosis' rules
// decide what the reasons mean together.
var reasonWords = []struct {
	reason transcript.Reason
	re     *lazyre.Regexp
}{
	// A TLS client talking to a plaintext (STARTTLS) port.
	{transcript.NotTLS, lazyre.New(`(?i)first record does not look like a TLS handshake|unknown protocol|wrong version number|unexpected packet format`)},
	// Go's, OpenSSL's and Schannel's words for "no TLS version in common".
	{transcript.TLSVersion, lazyre.New(`(?i)protocol version|no supported versions|unsupported (protocol )?version|version not supported|wrong version number`)},
	{transcript.Certificate, lazyre.New(`(?i)x509|certificate`)},
	{transcript.UnknownAuthority, lazyre.New(`(?i)unknown authority|self[- ]signed|local issuer|not trusted`)},
	{transcript.WrongName, lazyre.New(`(?i)valid for .*, not |not valid for|doesn't contain|does not match|hostname mismatch`)},
	{transcript.Expired, lazyre.New(`(?i)expired|not yet valid`)},
	// A connection lost mid-handshake ("connection reset by ... during
	// the TLS handshake", as smtpspec itself words it).
	{transcript.Cut, lazyre.New(`(?i)connection (reset|closed)|\bEOF\b|broken pipe`)},
	{transcript.CAFile, lazyre.New(`ca_file`)},
	// A Microsoft identity platform error code.
	{transcript.TokenRefused, lazyre.New(`AADSTS\d{5,}`)},
	// A client told that the server offers no AUTH (Python smtplib, Go
	// net/smtp, MailKit, PHPMailer).
	{transcript.AuthNotOffered, lazyre.New(`(?i)AUTH extension not supported|doesn't support AUTH|does not support authentication|unencrypted connection|No suitable authentication method`)},
	// A client saying the server offered no STARTTLS (Postfix "TLS is
	// required, but was not offered by host", "STARTTLS extension not
	// supported by server", "Server does not support STARTTLS").
	{transcript.STARTTLSNotOffered, lazyre.New(`(?i)TLS is required, but was not offered|STARTTLS extension not supported|(?:does not|doesn't) (?:support|offer|advertise) STARTTLS|STARTTLS (?:is )?not (?:supported|offered|advertised)`)},
}

// reasonOf is every reason an error's words give.
func reasonOf(text string) transcript.Reason {
	var r transcript.Reason
	for _, w := range reasonWords {
		if w.re.MatchString(text) {
			r |= w.reason
		}
	}
	return r
}
