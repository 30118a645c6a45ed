package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
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
// it. The error is a *TokenError: what the token endpoint said (error
// code and description, AADSTS number included), never the secret or a
// token.
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
		return "", tokenError(hostOf(cc.TokenURL), err)
	}
	if tok.AccessToken == "" {
		return "", &TokenError{Endpoint: hostOf(cc.TokenURL), noToken: true}
	}
	return tok.AccessToken, nil
}

// TokenError is a token request that gave no token: the endpoint's
// answer, or the transport's failure (Err).
type TokenError struct {
	Endpoint string // the token endpoint's scheme and host
	Status   int    // the answer's HTTP status, 0 without one
	Code     string // the OAuth error ("invalid_client")
	// Description is the first line of the error description (Entra ID
	// puts the AADSTS code first, then trace and correlation ids).
	Description string
	// AADSTS is the Microsoft Entra ID error the description names
	// ("AADSTS7000215"), "" when it names none.
	AADSTS  string
	Err     error // the transport error, nil when the endpoint answered
	noToken bool  // it answered 200 without an access_token
}

func (e *TokenError) Error() string { return "token request to " + e.Endpoint + ": " + e.words() }

func (e *TokenError) Unwrap() error { return e.Err }

// words says what the endpoint answered, or why it did not.
func (e *TokenError) words() string {
	status := ""
	if e.Status != 0 {
		status = fmt.Sprintf("HTTP %d", e.Status)
	}
	switch {
	case e.noToken:
		return "the answer holds no access_token"
	case e.Err != nil:
		return e.Err.Error()
	case e.Code != "" && e.Description != "":
		return fmt.Sprintf("%s %s: %s", status, e.Code, e.Description)
	case e.Code != "":
		return fmt.Sprintf("%s %s", status, e.Code)
	}
	return status + " with no OAuth error in the answer"
}

// aadstsRE is an Entra ID error number as its descriptions write it.
var aadstsRE = regexp.MustCompile(`AADSTS\d{5,}`)

// tokenError reads a failed request: the endpoint's answer
// (oauth2.RetrieveError), else the transport's error.
func tokenError(endpoint string, err error) *TokenError {
	te := &TokenError{Endpoint: endpoint}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		te.Err = err
		return te
	}
	desc, _, _ := strings.Cut(re.ErrorDescription, "\n")
	te.Description = strings.TrimSpace(strings.TrimSuffix(desc, "\r"))
	te.Code = re.ErrorCode
	if re.Response != nil {
		te.Status = re.Response.StatusCode
	}
	if te.Code == "" {
		te.Description = "" // without an OAuth error the answer says nothing more
	}
	te.AADSTS = aadstsRE.FindString(te.Description)
	return te
}

// hostOf is the token endpoint's scheme and host, for messages.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the token endpoint"
	}
	return u.Scheme + "://" + u.Host
}
