package diagnosis

import (
	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// authOnlyAfterTLS recognises, for any server, the refusal of AUTH sent
// in plaintext by a server that keeps AUTH for inside TLS: the EHLO
// before TLS offered STARTTLS but no AUTH, and AUTH got a permanent
// refusal (Postfix with smtpd_tls_auth_only answers "503 5.5.1 Error:
// authentication not enabled"; Microsoft 365 "504 5.7.4"). The fix is
// STARTTLS, not new credentials. A reply the catalog knows keeps its own
// meaning ("SmtpClientAuthentication is disabled" is about the mailbox).
func authOnlyAfterTLS(t *transcript.Transcript, rep *transcript.Reply) bool {
	if rep.Class() != 5 || catalog.Match(transcript.Auth, rep) != nil {
		return false
	}
	return t.Capabilities.Has("STARTTLS") && !t.Capabilities.OffersAuth()
}
