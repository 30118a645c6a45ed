package diagnosis

import (
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// TestTokenFindingsAudienceAndExpiry: the Exchange Online application ID
// is an Exchange audience, and a token without exp is an error, as the
// simulator (sim/oauth_claims.go) judges them.
func TestTokenFindingsAudienceAndExpiry(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ok := func(aud string, exp time.Time) *transcript.OAuthInfo {
		return &transcript.OAuthInfo{Source: "client_credentials", Audience: []string{aud},
			Roles: []string{"SMTP.SendAsApp"}, Expires: exp, CheckedAt: now}
	}
	cases := []struct {
		name string
		o    *transcript.OAuthInfo
		want string // the only finding, "" for none
	}{
		{"outlook.office365.com", ok("https://outlook.office365.com", now.Add(time.Hour)), ""},
		{"Exchange Online app ID", ok("00000002-0000-0ff1-ce00-000000000000", now.Add(time.Hour)), ""},
		{"Graph", ok("https://graph.microsoft.com", now.Add(time.Hour)), "token-audience"},
		{"no exp", ok("https://outlook.office365.com", time.Time{}), "token-no-expiry"},
		{"expired", ok("https://outlook.office365.com", now.Add(-time.Minute)), "token-expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := tokenFindings(tc.o, Credentials{})
			var ids []string
			for _, f := range fs {
				ids = append(ids, f.ID)
			}
			if (tc.want == "" && len(fs) != 0) || (tc.want != "" && (len(fs) != 1 || fs[0].ID != tc.want)) {
				t.Fatalf("findings %v, want %q", ids, tc.want)
			}
			if tc.want == "token-no-expiry" && (fs[0].Severity != SevError || fs[0].Text != "the token has no expiry (exp) claim" || fs[0].Fix == "") {
				t.Errorf("finding %+v", fs[0])
			}
		})
	}
}
