package capture

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/oauth"
	"github.com/smtpspec/smtpspec/transcript"
)

// auth records an AUTH command (RFC 4954): the mechanism, the username
// and its format, the password's properties or the XOAUTH2 token's
// claims; then answers "235 2.7.0 Authentication successful" (row
// auth-ok) whatever it got, so the device goes on to the envelope. It
// accepts what Exchange Online would refuse (AUTH before TLS, PLAIN,
// CRAM-MD5): the findings say what Microsoft 365 would answer. Mechanisms
// it cannot read get Exchange Online's 504 5.7.4 (row
// auth-mechanism-unsupported).
func (ss *session) auth(arg string) bool {
	mech, initial, _ := strings.Cut(arg, " ")
	a := &AuthAttempt{Mechanism: transcript.Mechanism(strings.ToUpper(mech)), Offered: ss.offeredMech(mech), BeforeTLS: !ss.secure}
	ss.rec.Auth = append(ss.rec.Auth, a)
	initial = strings.TrimSpace(initial)
	var ok, alive bool
	switch a.Mechanism {
	case transcript.MechLogin:
		ok, alive = ss.authLogin(a, initial)
	case transcript.MechPlain:
		ok, alive = ss.authPlain(a, initial)
	case transcript.MechXOAuth2:
		ok, alive = ss.authXOAUTH2(a, initial)
	case "CRAM-MD5":
		ok, alive = ss.authCRAM(a)
	default:
		a.Outcome = "refused with 504 5.7.4: the capture, like Microsoft 365, does not take this mechanism"
		return ss.reply("auth-mechanism-unsupported", nil)
	}
	if !ok {
		return alive
	}
	if want := ss.srv.opts.ExpectedPassword; want != nil && a.Username != "" && equal([]byte(a.Username), want) {
		a.Username, a.UsernameIsPassword = "(the expected password: not shown)", true
	}
	a.UsernameFormat = usernameFormat(a.Username)
	a.Outcome = "accepted (the capture accepts any credentials)"
	ss.logf("AUTH %s as \"%s\" (%s)", a.Mechanism, a.Username, a.UsernameFormat)
	return ss.reply("auth-ok", nil)
}

func (ss *session) offeredMech(mech string) bool {
	for _, l := range ss.shown {
		f := strings.Fields(strings.ToUpper(strings.ReplaceAll(l, "=", " ")))
		if len(f) > 1 && f[0] == "AUTH" && slices.Contains(f[1:], strings.ToUpper(mech)) {
			return true
		}
	}
	return false
}

// authLogin prompts "334 VXNlcm5hbWU6" and "334 UGFzc3dvcmQ6" (rows
// auth-login-username/-password); an initial response is the username.
func (ss *session) authLogin(a *AuthAttempt, initial string) (ok, alive bool) {
	user, ok, alive := ss.response(a, []byte(initial), "auth-login-username")
	if !ok {
		return false, alive
	}
	a.Username = printable(string(user), 320)
	clear(user)
	pass, ok, alive := ss.response(a, nil, "auth-login-password")
	if !ok {
		return false, alive
	}
	a.Password = describePassword(pass, ss.srv.opts.ExpectedPassword)
	clear(pass)
	return true, true
}

// authPlain reads RFC 4616's authzid NUL authcid NUL passwd, after an
// empty "334 " continuation when there is no initial response.
func (ss *session) authPlain(a *AuthAttempt, initial string) (ok, alive bool) {
	msg, ok, alive := ss.response(a, []byte(initial), "")
	if !ok {
		return false, alive
	}
	defer clear(msg)
	parts := bytes.SplitN(msg, []byte{0}, 3)
	if len(parts) != 3 {
		a.Outcome = "refused with 501 5.5.2: not authzid NUL authcid NUL password (RFC 4616)"
		return false, ss.send(501, "5.5.2 Cannot Base64-decode client response")
	}
	a.Username = printable(string(parts[1]), 320)
	a.Password = describePassword(parts[2], ss.srv.opts.ExpectedPassword)
	return true, true
}

// authXOAUTH2 reads "user=" user ^A "auth=Bearer " token ^A ^A (the MS
// OAuth doc's SASL XOAUTH2 string) and keeps the token's claims only.
func (ss *session) authXOAUTH2(a *AuthAttempt, initial string) (ok, alive bool) {
	blob, ok, alive := ss.response(a, []byte(initial), "")
	if !ok {
		return false, alive
	}
	defer clear(blob)
	user, token, ok := parseXOAUTH2(blob)
	if !ok {
		a.Outcome = "refused with 501 5.5.124: not a SASL XOAUTH2 string (user=...^Aauth=Bearer ...^A^A)"
		return false, ss.reply("auth-xoauth2-invalid", nil)
	}
	a.Username = printable(user, 320)
	info, err := oauth.Inspect(string(token), "device", ss.srv.opts.Now())
	clear(token)
	a.Token = info
	if err != nil {
		a.TokenError = err.Error() // oauth.Inspect never quotes the token
	}
	return true, true
}

// authCRAM sends an RFC 2195 challenge and reads "user digest". The
// password never crosses the wire, so only whether it matches the
// expected one can be told (HMAC-MD5 of the challenge under it).
func (ss *session) authCRAM(a *AuthAttempt) (ok, alive bool) {
	nonce := make([]byte, 8)
	rand.Read(nonce)
	challenge := fmt.Sprintf("<%s.capture@%s>", hex.EncodeToString(nonce), ss.fe.Host())
	resp, ok, alive := ss.challenge(a, base64.StdEncoding.EncodeToString([]byte(challenge)))
	if !ok {
		return false, alive
	}
	defer clear(resp)
	user, digest, found := bytes.Cut(resp, []byte(" "))
	if !found {
		a.Outcome = "refused with 501 5.5.2: not \"user digest\" (RFC 2195)"
		return false, ss.send(501, "5.5.2 Cannot Base64-decode client response")
	}
	a.Username = printable(string(user), 320)
	if want := ss.srv.opts.ExpectedPassword; want != nil {
		m := hmac.New(md5.New, want)
		m.Write([]byte(challenge))
		a.Password = &Password{Match: MatchNo, DigestOnly: true}
		if hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), bytes.ToLower(digest)) {
			a.Password.Match = MatchYes
		}
	}
	return true, true
}

// response returns the decoded initial response, or prompts with catalog
// row prompt (or an empty "334 " when prompt is "": RFC 4954 section 4)
// and reads the answer.
func (ss *session) response(a *AuthAttempt, initial []byte, prompt string) (b []byte, ok, alive bool) {
	if len(initial) > 0 {
		return ss.decode(a, initial)
	}
	if prompt == "" {
		return ss.challenge(a, "")
	}
	if !ss.reply(prompt, nil) {
		return nil, false, false
	}
	return ss.readResponse(a)
}

func (ss *session) challenge(a *AuthAttempt, text string) (b []byte, ok, alive bool) {
	if !ss.send(334, text) {
		return nil, false, false
	}
	return ss.readResponse(a)
}

// readResponse reads one AUTH response line, at most maxAuthLine bytes
// (a 10 MB blob ends the connection), decodes it and wipes the line.
func (ss *session) readResponse(a *AuthAttempt) (b []byte, ok, alive bool) {
	line, err := ss.readLine(maxAuthLine)
	if err != nil {
		a.Outcome = "no response: " + shortErr(err)
		ss.readFailed(err, "AUTH response")
		return nil, false, false
	}
	b, ok, alive = ss.decode(a, line)
	clear(line)
	return b, ok, alive
}

// decode decodes one base64 response. RFC 4954 section 4: "*" cancels and
// a response that is not base64 fails, both with 501 (RFC 3463 5.7.0,
// 5.5.2); "=" is an empty response.
func (ss *session) decode(a *AuthAttempt, s []byte) (b []byte, ok, alive bool) {
	switch string(s) {
	case "*":
		a.Outcome = "cancelled by the device"
		return nil, false, ss.send(501, "5.7.0 Authentication cancelled")
	case "=":
		return []byte{}, true, true
	}
	b = make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(b, s)
	if err != nil {
		clear(b)
		a.Outcome = "refused with 501 5.5.2: the response is not base64"
		return nil, false, ss.send(501, "5.5.2 Cannot Base64-decode client response")
	}
	return b[:n], true, true
}

// parseXOAUTH2 splits the SASL XOAUTH2 string; token aliases b.
func parseXOAUTH2(b []byte) (user string, token []byte, ok bool) {
	s, found := bytes.CutSuffix(b, []byte("\x01\x01"))
	if !found {
		return "", nil, false
	}
	for _, kv := range bytes.Split(s, []byte("\x01")) {
		k, v, _ := bytes.Cut(kv, []byte("="))
		switch string(k) {
		case "user":
			user = string(v)
		case "auth":
			token, _ = bytes.CutPrefix(v, []byte("Bearer "))
		}
	}
	return user, token, user != "" && len(token) > 0
}
