package sim

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// auth runs SMTP AUTH (RFC 4954) as smtp.office365.com does: LOGIN and
// XOAUTH2 after STARTTLS only (FACTS.md 1.1, 2.1). Credentials are never
// kept, logged or echoed. A password is only checked for being there; an
// XOAUTH2 token's claims are checked as Exchange Online checks them
// (oauth_claims.go), without its signature. The scenario's row, if any,
// is the answer once the credentials are in.
func (ss *session) auth(arg string) bool {
	mech, initial, _ := strings.Cut(arg, " ")
	mech, initial = strings.ToUpper(mech), strings.TrimSpace(initial)
	switch {
	case !ss.greeted || ss.authed || ss.inMail:
		return ss.badSequence()
	case !ss.sc.submission() || !ss.secure:
		// AUTH is not offered before TLS nor on the MX; Microsoft answers an
		// AUTH it does not offer with 504 5.7.4 (row auth-mechanism-unsupported,
		// mattermost#954).
		return ss.reply("auth-mechanism-unsupported", nil)
	}
	switch transcript.Mechanism(mech) {
	case transcript.MechLogin:
		return ss.authLogin(initial)
	case transcript.MechXOAuth2:
		return ss.authXOAUTH2(initial)
	case transcript.MechPlain:
		if ss.sc.PlainAsBasic {
			return ss.authPlain(initial)
		}
	}
	// PLAIN, CRAM-MD5 and the rest (row auth-mechanism-unsupported).
	return ss.reply("auth-mechanism-unsupported", nil)
}

// authLogin prompts "334 VXNlcm5hbWU6" / "334 UGFzc3dvcmQ6" (rows
// auth-login-username/-password, nodemailer#1484); an initial response
// stands for the username.
func (ss *session) authLogin(initial string) bool {
	var user []byte
	var ok, alive bool
	if initial != "" {
		user, ok, alive = ss.decodeResponse(initial)
	} else {
		user, ok, alive = ss.challenge(func() bool { return ss.reply("auth-login-username", nil) })
	}
	if !ok {
		return alive
	}
	pass, ok, alive := ss.challenge(func() bool { return ss.reply("auth-login-password", nil) })
	if !ok {
		return alive
	}
	return ss.authResult(ss.sc.AuthBasic, string(user), len(user) > 0 && len(pass) > 0)
}

// authXOAUTH2 takes the SASL XOAUTH2 string as an initial response or
// after an empty "334 " continuation (MS OAuth doc, FACTS.md 2.1). A
// malformed string gets 501 5.5.124 (row auth-xoauth2-invalid); a token
// Exchange Online would refuse gets 535 5.7.3 (row auth-unsuccessful),
// after the error continuation when the scenario asks for it.
func (ss *session) authXOAUTH2(initial string) bool {
	blob, ok, alive := ss.initialOrChallenge(initial)
	if !ok {
		return alive
	}
	user, token, ok := parseXOAUTH2(blob)
	if !ok {
		return ss.reply("auth-xoauth2-invalid", nil)
	}
	if ss.sc.AuthOAuth == "" {
		if why := ss.refuseToken(user, token); why != "" {
			ss.logf("XOAUTH2 token refused: %s", why)
			return ss.tokenRefused()
		}
	}
	return ss.authResult(ss.sc.AuthOAuth, user, true)
}

// authPlain is only reached in scenarios that treat PLAIN as basic auth.
func (ss *session) authPlain(initial string) bool {
	msg, ok, alive := ss.initialOrChallenge(initial)
	if !ok {
		return alive
	}
	// RFC 4616: authzid NUL authcid NUL passwd.
	parts := bytes.Split(msg, []byte{0})
	creds := len(parts) == 3 && len(parts[1]) > 0 && len(parts[2]) > 0
	user := ""
	if creds {
		user = string(parts[1])
	}
	return ss.authResult(ss.sc.AuthBasic, user, creds)
}

// authResult answers the credentials: the scenario's row when it names
// one, 535 5.7.3 for empty credentials (row auth-unsuccessful), else
// "235 2.7.0 Authentication successful" (row auth-ok).
func (ss *session) authResult(row, user string, creds bool) bool {
	switch {
	case row != "":
		return ss.reply(row, nil)
	case !creds:
		return ss.reply("auth-unsuccessful", nil)
	}
	ss.authed = true
	ss.user = shownUser(user)
	return ss.reply("auth-ok", nil)
}

// shownUser is the user name as a reply may name it ("<USER> not allowed
// to send as <FROM>", gophish/gophish#2900): a plain address only, so no
// client text can add lines or placeholders to a reply; "" otherwise.
// The password and the token are never kept.
func shownUser(user string) string {
	if len(user) > 254 || !strings.Contains(user, "@") {
		return ""
	}
	for _, r := range user {
		if r <= ' ' || r > '~' || r == '<' || r == '>' {
			return ""
		}
	}
	return user
}

// userOr is the authenticated user's name, or def.
func (ss *session) userOr(def string) string {
	if ss.user == "" {
		return def
	}
	return ss.user
}

// initialOrChallenge returns the initial response, or sends the empty
// "334 " continuation (RFC 4954 section 4; not a catalog row, FACTS.md
// lists it as the XOAUTH2 continuation) and reads the answer.
func (ss *session) initialOrChallenge(initial string) (b []byte, ok, alive bool) {
	if initial != "" {
		return ss.decodeResponse(initial)
	}
	return ss.challenge(func() bool { return ss.send(334, "") })
}

// challenge sends a 334 prompt and reads and decodes the client's answer.
// When ok is false the answer has been given already (or the connection
// is gone) and alive says whether the session goes on.
func (ss *session) challenge(prompt func() bool) (b []byte, ok, alive bool) {
	if !prompt() {
		return nil, false, false
	}
	line, err := ss.readLine()
	if err != nil {
		if errors.Is(err, errLineTooLong) {
			ss.lineTooLong()
		}
		return nil, false, false
	}
	return ss.decodeResponse(line)
}

// decodeResponse decodes one base64 client response. RFC 4954 section 4:
// "*" cancels and a response that is not base64 fails, both with 501
// (enhanced codes 5.7.0 and 5.5.2 per RFC 3463/4954); "=" is empty.
func (ss *session) decodeResponse(s string) (b []byte, ok, alive bool) {
	switch s {
	case "*":
		return nil, false, ss.send(501, "5.7.0 Authentication cancelled")
	case "=":
		return nil, true, true
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, false, ss.send(501, "5.5.2 Cannot Base64-decode client response")
	}
	return b, true, true
}

// parseXOAUTH2 checks the SASL XOAUTH2 shape the MS OAuth doc gives:
// "user=" user ^A "auth=Bearer " token ^A ^A, with both non-empty.
func parseXOAUTH2(b []byte) (user, token string, ok bool) {
	s, ok := strings.CutSuffix(string(b), "\x01\x01")
	if !ok {
		return "", "", false
	}
	for _, kv := range strings.Split(s, "\x01") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "user":
			user = v
		case "auth":
			token, _ = strings.CutPrefix(v, "Bearer ")
			if token == v {
				token = "" // not a bearer token
			}
		}
	}
	return user, token, user != "" && token != ""
}
