package oauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// claims are the access-token claims the self-check reads (Microsoft
// identity platform access token reference: aud, roles, scp, tid, appid/
// azp, upn, preferred_username, unique_name, exp).
type claims struct {
	Aud               audience `json:"aud"`
	Roles             []string `json:"roles"`
	Scp               string   `json:"scp"`
	Tid               string   `json:"tid"`
	AppID             string   `json:"appid"`
	Azp               string   `json:"azp"`
	Upn               string   `json:"upn"`
	PreferredUsername string   `json:"preferred_username"`
	UniqueName        string   `json:"unique_name"`
	Exp               *float64 `json:"exp"`
}

// audience is "aud": one string or a list of them (RFC 7519 section 4.1.3).
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor a list of strings")
	}
	*a = many
	return nil
}

// errNotJWT is a token that is not three dot-separated base64url parts.
// Microsoft's access tokens for Exchange Online are JWTs; an opaque token
// cannot be checked, only sent.
var errNotJWT = errors.New("the token is not a JWT (header.payload.signature), so its claims cannot be read")

// Inspect decodes the claims of token, without verifying its signature,
// into what the transcript records. now is the probe's clock. The error
// never quotes the token.
func Inspect(token, source string, now time.Time) (*transcript.OAuthInfo, error) {
	info := &transcript.OAuthInfo{Source: source, CheckedAt: now}
	c, err := decode(token)
	if err != nil {
		return info, err
	}
	info.Audience = c.Aud
	info.Roles = c.Roles
	info.Scopes = strings.Fields(c.Scp)
	info.TenantID = c.Tid
	info.AppID = firstOf(c.AppID, c.Azp)
	if len(info.Scopes) > 0 {
		info.User = firstOf(c.Upn, c.PreferredUsername, c.UniqueName)
	}
	if c.Exp != nil {
		info.Expires = time.Unix(int64(*c.Exp), 0).UTC()
	}
	return info, nil
}

// decode reads the payload of a JWT (RFC 7519), the second of its three
// parts, base64url without padding.
func decode(token string) (*claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errNotJWT
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, errNotJWT
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		// json's message may quote payload bytes; say only where it failed.
		return nil, fmt.Errorf("the token's claims are not a JSON object")
	}
	return &c, nil
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
