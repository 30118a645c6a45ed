package sim

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/oauth"
)

// refuseToken says why Exchange Online would refuse token for user, or ""
// when it would accept it: the audience is Exchange Online's, an app-only
// token has the SMTP.SendAsApp role and a delegated one the SMTP.Send
// scope for the same user, it has not expired, and it comes from the
// scenario's tenant when the scenario names one (FACTS.md 4.2). The
// signature is not checked: the simulator has no keys to check it with.
func (ss *session) refuseToken(user, token string) string {
	now := ss.srv.opts.Now()
	info, err := oauth.Inspect(token, "", now)
	switch {
	case err != nil:
		return "claims unreadable"
	case !slices.ContainsFunc(info.Audience, exchangeAudience):
		return "audience " + strings.Join(info.Audience, ",")
	case info.Expires.IsZero() || !info.Expires.After(now):
		return "expired"
	case ss.sc.TenantID != "" && !strings.EqualFold(info.TenantID, ss.sc.TenantID):
		return "tenant " + info.TenantID
	case info.AppOnly():
		if !slices.Contains(info.Roles, "SMTP.SendAsApp") {
			return "app-only token without SMTP.SendAsApp"
		}
	case !slices.ContainsFunc(info.Scopes, func(s string) bool { return strings.EqualFold(s, "SMTP.Send") }):
		return "delegated token without SMTP.Send"
	case !strings.EqualFold(info.User, user):
		return fmt.Sprintf("token user %s, XOAUTH2 user %s", info.User, user)
	}
	return ""
}

// exchangeAudience reports an aud Exchange Online accepts: its app-only
// and delegated resource URLs, or the application ID of Office 365
// Exchange Online itself (00000002-0000-0ff1-ce00-000000000000), which
// names the same resource.
func exchangeAudience(aud string) bool {
	a := strings.TrimSuffix(strings.ToLower(aud), "/")
	return a == oauth.Audience || a == "https://outlook.office.com" || a == "00000002-0000-0ff1-ce00-000000000000"
}

// xoauth2Error is the SASL XOAUTH2 error continuation's JSON status.
const xoauth2Error = `{"status":"401","schemes":"bearer","scope":"https://outlook.office365.com/.default"}`

// tokenRefused answers a refused token: 535 5.7.3 (row auth-unsuccessful,
// MS OAuth doc), first through the error continuation when the scenario
// asks for it (the client must answer it, with an empty line).
func (ss *session) tokenRefused() bool {
	if ss.sc.OAuthErrorChallenge {
		if !ss.send(334, base64.StdEncoding.EncodeToString([]byte(xoauth2Error))) {
			return false
		}
		if _, err := ss.readLine(); err != nil {
			return false
		}
	}
	return ss.reply("auth-unsuccessful", nil)
}
