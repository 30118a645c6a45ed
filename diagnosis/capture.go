package diagnosis

import "github.com/smtpspec/smtpspec/transcript"

// For smtpspec capture, which judges what a device sent rather than what a
// server answered, with the same words as the run report.

// BasicAuthFix is the fix of the basic-auth-retirement finding.
const BasicAuthFix = basicAuthAlternatives

// TokenFindings is the XOAUTH2 token self-check (oauth.go) for a token a
// device sent as username.
func TokenFindings(o *transcript.OAuthInfo, username string) []Finding {
	return tokenFindings(o, Credentials{Username: username})
}
