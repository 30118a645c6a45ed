package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// DefaultScope is the scope of an app-only token for SMTP AUTH: the
// Exchange Online resource's .default (FACTS.md 4.2, MS OAuth doc).
const DefaultScope = "https://outlook.office365.com/.default"

// Audience is the audience Exchange Online accepts for SMTP AUTH tokens.
const Audience = "https://outlook.office365.com"

// Config is one app registration's client credentials.
type Config struct {
	TenantID     string // directory (tenant) id or a verified domain
	ClientID     string // application (client) id
	ClientSecret string
	Scopes       []string // default []string{DefaultScope}
	// TokenURL overrides the Microsoft identity platform v2.0 token
	// endpoint of TenantID (sovereign clouds, tests).
	TokenURL string
}

// Endpoint is the Microsoft identity platform v2.0 token endpoint of a
// tenant in the global cloud.
func Endpoint(tenantID string) string {
	return "https://login.microsoftonline.com/" + url.PathEscape(tenantID) + "/oauth2/v2.0/token"
}

// Token gets an access token with the client credentials grant. client
// (nil: http.DefaultClient) carries the request; its timeout and ctx bound
// it. The error says what the token endpoint said (error code and
// description, AADSTS number included) and never the secret or a token.
func Token(ctx context.Context, cfg Config, client *http.Client) (string, error) {
	cc := clientcredentials.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		TokenURL:     cfg.TokenURL,
		Scopes:       cfg.Scopes,
		// Entra ID takes the secret in the form body; AutoDetect would
		// send a first request with Basic auth and then retry.
		AuthStyle: oauth2.AuthStyleInParams,
	}
	if cc.TokenURL == "" {
		cc.TokenURL = Endpoint(cfg.TenantID)
	}
	if len(cc.Scopes) == 0 {
		cc.Scopes = []string{DefaultScope}
	}
	if client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	}
	tok, err := cc.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("token request to %s: %s", hostOf(cc.TokenURL), describe(err))
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("token request to %s: the answer holds no access_token", hostOf(cc.TokenURL))
	}
	return tok.AccessToken, nil
}

// describe words a token request failure: the endpoint's error code and
// the first line of its description (Entra ID puts the AADSTS code first,
// then trace and correlation ids), or the transport error.
func describe(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		desc, _, _ := strings.Cut(re.ErrorDescription, "\n")
		desc = strings.TrimSpace(strings.TrimSuffix(desc, "\r"))
		status := ""
		if re.Response != nil {
			status = fmt.Sprintf("HTTP %d", re.Response.StatusCode)
		}
		switch {
		case re.ErrorCode != "" && desc != "":
			return fmt.Sprintf("%s %s: %s", status, re.ErrorCode, desc)
		case re.ErrorCode != "":
			return fmt.Sprintf("%s %s", status, re.ErrorCode)
		}
		return status + " with no OAuth error in the answer"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// hostOf is the token endpoint's scheme and host, for messages.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the token endpoint"
	}
	return u.Scheme + "://" + u.Host
}
