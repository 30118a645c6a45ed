package oauth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/oauth"
	"github.com/smtpspec/smtpspec/oauth/tokenserver"
)

func TestInspect(t *testing.T) {
	now := time.Unix(1_800_000_000, 0).UTC()
	cases := []struct {
		name    string
		token   string
		appOnly bool
		user    string
		aud     string
		err     string
	}{
		{"app-only", tokenserver.Mint(tokenserver.AppOnly(now)), true, "", "https://outlook.office365.com", ""},
		{"delegated", tokenserver.Mint(tokenserver.Delegated(now, "scanner@contoso.com")), false, "scanner@contoso.com", "https://outlook.office365.com", ""},
		{"aud list", tokenserver.Mint(tokenserver.AppOnly(now).With("aud", []string{"a", "b"})), true, "", "a", ""},
		{"opaque", "EwBwA8l6BAAU-not-a-jwt", true, "", "", "not a JWT"},
		{"bad payload", "eyJhbGciOiJSUzI1NiJ9.!!!.sig", true, "", "", "not a JWT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			info, err := oauth.Inspect(tc.token, "env", now)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), tc.token) {
					t.Fatalf("err = %v, want %q without the token", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.AppOnly() != tc.appOnly || info.User != tc.user || info.Audience[0] != tc.aud {
				t.Errorf("info %+v", info)
			}
			if !info.Expires.Equal(now.Add(time.Hour)) || info.TenantID != tokenserver.Tenant {
				t.Errorf("exp %v tid %s", info.Expires, info.TenantID)
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	ts := tokenserver.NewServer(tokenserver.App, "right-secret-value", tokenserver.Mint(tokenserver.AppOnly(time.Now())))
	defer ts.Close()
	cases := []struct{ name, client, secret, want string }{
		{"ok", tokenserver.App, "right-secret-value", ""},
		{"secret id", tokenserver.App, "wrong-secret-value", "HTTP 401 invalid_client: AADSTS7000215"},
		{"unknown app", "nope", "right-secret-value", "AADSTS700016"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := oauth.Token(context.Background(), oauth.Config{ClientID: tc.client, ClientSecret: tc.secret, TokenURL: ts.TokenURL()}, nil)
			if tc.want == "" {
				if err != nil || tok == "" {
					t.Fatalf("token %q, err %v", tok, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tc.secret) || strings.Contains(err.Error(), "Trace ID") {
				t.Errorf("error says too much: %v", err)
			}
		})
	}
	if r := ts.Requests(); len(r) != 3 || r[0].Scope != oauth.DefaultScope || r[0].GrantType != "client_credentials" {
		t.Errorf("requests %+v", r)
	}
}
