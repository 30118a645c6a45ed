package checks

import (
	"strings"

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
	if rep.Class() != 5 || Match(transcript.Auth, rep) != nil {
		return false
	}
	starttls, auth := false, false
	for _, c := range t.Capabilities {
		kw, _, _ := strings.Cut(strings.ToUpper(c), " ")
		switch {
		case kw == "STARTTLS":
			starttls = true
		case kw == "AUTH" || strings.HasPrefix(kw, "AUTH="):
			auth = true
		}
	}
	return starttls && !auth
}
