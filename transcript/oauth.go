package transcript

import "time"

// OAuthInfo is what the probe learnt about the access token it sent with
// XOAUTH2: the claims that decide whether Exchange Online accepts it,
// decoded without verifying the signature. It never holds the token.
type OAuthInfo struct {
	// Source is how the token was had: "client_credentials" (smtpspec
	// asked the token endpoint) or "env" (auth.token).
	Source string
	// Error says why no token was had or its claims could not be read
	// ("" when they were); the token endpoint's own words, redacted.
	Error string
	// ErrorCode is the Microsoft Entra ID error the token endpoint
	// answered ("AADSTS7000215"), "" for none. Not in JSON: capture's
	// report embeds OAuthInfo with the fields it always had.
	ErrorCode string `json:"-"`
	Audience  []string
	Roles     []string // app roles (app-only tokens): SMTP.SendAsApp
	Scopes    []string // delegated scopes (scp): SMTP.Send
	TenantID  string   // tid
	AppID     string   // appid or azp
	// User is the signed-in user of a delegated token (upn, else
	// preferred_username, else unique_name); "" for app-only tokens.
	User      string
	Expires   time.Time // exp; zero when the token has none
	CheckedAt time.Time // when the probe read the claims (its clock)
}

// AppOnly reports a token issued to an application itself (client
// credentials): it carries roles and no delegated scopes.
func (o *OAuthInfo) AppOnly() bool { return len(o.Scopes) == 0 && o.User == "" }

// ClientCert is what the probe presented as its TLS client certificate:
// the facts a certificate-based connector matches on.
type ClientCert struct {
	Subject  string // the subject's common name
	Issuer   string
	SANs     []string
	NotAfter time.Time
	// Requested says the server asked for a certificate during the
	// handshake; a server that never asks cannot match by certificate.
	Requested bool
}
