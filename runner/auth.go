package runner

import (
	"encoding/base64"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// mechanism runs one SASL exchange (RFC 4954) with secret (the password,
// or the access token for XOAUTH2) and returns the final reply. It
// records every payload as transcript.Redacted: the raw bytes never enter
// the transcript.
type mechanism func(c *client, a *specs.Auth, secret string) (*transcript.Reply, error)

// mechanisms are the SASL mechanisms a device may use with Microsoft 365
// (FACTS.md 2.1: the server offers LOGIN and XOAUTH2; PLAIN for other MTAs).
var mechanisms = map[transcript.Mechanism]mechanism{
	transcript.MechLogin:   authLogin,
	transcript.MechPlain:   authPlain,
	transcript.MechXOAuth2: authXOAUTH2,
}

// authLogin answers the Username: and Password: prompts (334) in turn.
func authLogin(c *client, a *specs.Auth, password string) (*transcript.Reply, error) {
	reply, err := c.cmd("AUTH LOGIN")
	for _, v := range []string{a.Username, password} {
		if err != nil || reply.Code != 334 {
			return reply, err
		}
		reply, err = c.cmdShown(b64(v), transcript.Redacted)
	}
	return finish(c, reply, err, "*")
}

// authPlain sends the credentials as the initial response.
func authPlain(c *client, a *specs.Auth, password string) (*transcript.Reply, error) {
	payload := b64("\x00" + a.Username + "\x00" + password)
	reply, err := c.cmdShown("AUTH PLAIN "+payload, "AUTH PLAIN "+transcript.Redacted)
	return finish(c, reply, err, "*")
}

// authXOAUTH2 sends the OAuth token as the initial response (FACTS.md 4.2,
// Microsoft's "Authenticate an IMAP, POP or SMTP connection using OAuth"):
// base64("user=" user ^A "auth=Bearer " token ^A ^A). A server that
// rejects the token may first send a 334 with a base64 JSON error (the
// SASL XOAUTH2 error continuation); the client answers with an empty line
// and gets the final reply. Exchange Online answers 535 5.7.3 directly.
func authXOAUTH2(c *client, a *specs.Auth, token string) (*transcript.Reply, error) {
	payload := XOAUTH2(a.Username, token)
	reply, err := c.cmdShown("AUTH XOAUTH2 "+payload, "AUTH XOAUTH2 "+transcript.Redacted)
	return finish(c, reply, err, "")
}

// finish ends an exchange the server wants to continue after the last
// payload: it sends cancel ("*" per RFC 4954 section 4, or the empty
// line XOAUTH2 expects) and reads the final reply. Never a retry.
func finish(c *client, reply *transcript.Reply, err error, cancel string) (*transcript.Reply, error) {
	if err != nil || reply.Code != 334 {
		return reply, err
	}
	return c.cmd(cancel)
}

// XOAUTH2 is the base64 SASL XOAUTH2 initial response for user and token.
func XOAUTH2(user, token string) string {
	return b64("user=" + user + "\x01auth=Bearer " + token + "\x01\x01")
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
