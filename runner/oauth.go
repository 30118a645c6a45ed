package runner

import (
	"net/http"

	"github.com/smtpspec/smtpspec/oauth"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// accessToken returns the token XOAUTH2 sends: the one auth.token gives,
// or one requested with auth.oauth's client credentials. Either way its
// claims are decoded (not verified) into Transcript.OAuth for the
// self-check, and the token joins the secrets redact removes. A failure
// is local: nothing was sent, the connection can still QUIT.
func (s *session) accessToken(a *specs.Auth) (string, *transcript.Error) {
	token, source := a.Token.Reveal(), "env"
	if a.OAuth.Acquire() {
		source = "client_credentials"
		var err error
		token, err = oauth.Token(s.ctx, oauthConfig(a.OAuth), s.httpClient())
		if err != nil {
			text := transcript.RedactString(err.Error(), transcript.SecretForms(s.site.Secrets()))
			s.t.OAuth = &transcript.OAuthInfo{Source: source, Error: text, ErrorCode: aadsts(err), CheckedAt: s.opts.Now()}
			return "", &transcript.Error{Kind: transcript.KindToken, Text: "no token: " + text, Reason: tokenReason(err), Err: errLocal}
		}
	}
	s.secrets = append(s.secrets, token)
	info, err := oauth.Inspect(token, source, s.opts.Now())
	if err != nil {
		// An opaque token is still sent: only Exchange Online can judge it.
		info.Error = err.Error()
	}
	s.t.OAuth = info
	return token, nil
}

func oauthConfig(o *specs.OAuth) oauth.Config {
	cfg := oauth.Config{TenantID: o.TenantID, ClientID: o.ClientID, ClientSecret: o.ClientSecret.Reveal(), TokenURL: o.TokenURL}
	if o.Scope != "" {
		cfg.Scopes = []string{o.Scope}
	}
	return cfg
}

// httpClient carries token requests; its timeout is the stage's command
// budget, so a stalled token endpoint cannot hold the probe.
func (s *session) httpClient() *http.Client {
	if s.opts.HTTPClient != nil {
		return s.opts.HTTPClient
	}
	return &http.Client{Timeout: s.budget(transcript.Auth)}
}
