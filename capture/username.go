package capture

import (
	"strings"
	"unicode"
)

// Username formats. Microsoft 365 signs SMTP AUTH in with the mailbox's
// user principal name, the full address (FACTS.md 8; catalog row
// auth-bad-credentials: "re-enter the mailbox's full UPN").
const (
	UsernameUPN       = "upn"        // user@contoso.com
	UsernameDownLevel = "down-level" // CONTOSO\user, the Windows domain form
	UsernameBare      = "bare"       // user
	UsernameEmpty     = "empty"
	UsernameOdd       = "other" // an @ but not one address: spaces, two @, no domain dot
)

// usernameFormat classifies u.
func usernameFormat(u string) string {
	switch {
	case u == "":
		return UsernameEmpty
	case strings.Contains(u, `\`):
		return UsernameDownLevel
	case !strings.Contains(u, "@"):
		return UsernameBare
	}
	local, domain, _ := strings.Cut(u, "@")
	if local == "" || !strings.Contains(domain, ".") || strings.Contains(domain, "@") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.IndexFunc(u, unicode.IsSpace) >= 0 {
		return UsernameOdd
	}
	return UsernameUPN
}
