// Package tokenserver makes access tokens with chosen claims and serves
// them from a client-credentials token endpoint on loopback: a stand-in
// for the Microsoft identity platform, for tests of the XOAUTH2 path and
// for the forecast, which plays a site's OAuth against the simulator.
// Tokens are shaped like Microsoft identity platform v1 access tokens but
// signed with a throwaway key nobody checks: the probe and the simulator
// read claims without verifying, as the package oauth documents.
package tokenserver

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Claims are the claims of one token, as JSON will hold them.
type Claims map[string]any

// Tenant and App identify the test tenant and its app registration.
const (
	Tenant = "6f1b0a3e-1d2c-4b5a-9e8f-7a6b5c4d3e2f"
	App    = "0c9a5d1e-2b3f-4c6d-8e7f-9a0b1c2d3e4f"
)

// AppOnly returns the claims of an app-only token Exchange Online accepts
// for SMTP: audience outlook.office365.com, role SMTP.SendAsApp, valid for
// an hour from now.
func AppOnly(now time.Time) Claims {
	return Claims{
		"aud": "https://outlook.office365.com", "iss": "https://sts.windows.net/" + Tenant + "/",
		"tid": Tenant, "appid": App, "roles": []string{"SMTP.SendAsApp"},
		"oid": "2d4e6f80-1a3b-4c5d-8e9f-0a1b2c3d4e5f", "sub": "2d4e6f80-1a3b-4c5d-8e9f-0a1b2c3d4e5f",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
}

// Delegated returns the claims of a delegated token for user with scope
// SMTP.Send.
func Delegated(now time.Time, user string) Claims {
	c := AppOnly(now)
	delete(c, "roles")
	c["scp"] = "SMTP.Send offline_access"
	c["upn"] = user
	c["unique_name"] = user
	return c
}

// With returns a copy of c with the given claims set; a nil value removes
// the claim.
func (c Claims) With(kv ...any) Claims {
	out := Claims{}
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(out, k)
			continue
		}
		out[k] = kv[i+1]
	}
	return out
}

// Mint returns a JWT carrying c, with an RS256 header and a random
// signature.
func Mint(c Claims) string {
	header, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "RS256", "kid": "smtpspec-test"})
	payload, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("tokenserver: claims do not marshal: %v", err))
	}
	sig := make([]byte, 256)
	rand.Read(sig)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString(sig)
}

// Server is a client-credentials token endpoint (RFC 6749 section 4.4)
// that answers like Entra ID: the token for the right client id and
// secret, AADSTS errors otherwise.
type Server struct {
	*httptest.Server
	ClientID, ClientSecret string

	mu       sync.Mutex
	token    string
	requests []Request
}

// Request is what one token request asked for (never the secret).
type Request struct {
	GrantType, ClientID, Scope string
	SecretOK                   bool
}

// NewServer starts a token endpoint on loopback that issues token to
// clientID/secret. Close it when done.
func NewServer(clientID, secret, token string) *Server {
	s := &Server{ClientID: clientID, ClientSecret: secret, token: token}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// TokenURL is the token endpoint's URL, for token_url.
func (s *Server) TokenURL() string { return s.Server.URL + "/" + Tenant + "/oauth2/v2.0/token" }

// SetToken changes the token the next requests get.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = token
}

// Requests returns the requests served so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request",
			"error_description": "AADSTS900144: The request body must contain the following parameter: 'grant_type'."})
		return
	}
	req := Request{GrantType: r.PostForm.Get("grant_type"), ClientID: r.PostForm.Get("client_id"),
		Scope: r.PostForm.Get("scope"), SecretOK: r.PostForm.Get("client_secret") == s.ClientSecret}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	token := s.token
	s.mu.Unlock()
	switch {
	case req.GrantType != "client_credentials":
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type",
			"error_description": "AADSTS70003: The app requested an unsupported grant type."})
	case req.ClientID != s.ClientID:
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "unauthorized_client",
			"error_description": "AADSTS700016: Application with identifier '" + req.ClientID + "' was not found in the directory.\r\nTrace ID: 0\r\nCorrelation ID: 0"})
	case !req.SecretOK:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client",
			"error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: 0\r\nCorrelation ID: 0"})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
			"access_token": token})
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
