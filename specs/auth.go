package specs

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/smtpspec/smtpspec/transcript"
)

// auth decodes the optional auth block. The secret the mechanism needs
// (password for LOGIN/PLAIN, token for XOAUTH2) is read from the
// environment; the other one, if written, is checked but never read.
func (d *decoder) auth(sd *siteDecode, b *hcl.Block) {
	if b == nil {
		return
	}
	a := &Auth{Mechanism: transcript.MechLogin}
	sd.site.Auth = a
	sd.mechRange, sd.mechOK = b.DefRange, true
	content := d.content(b.Body, b.Type, authSchema)
	attrs := content.Attributes
	oauthBlock := d.oneBlock(content.Blocks, "oauth")
	if attr := attrs["mechanism"]; attr != nil {
		sd.mechRange = attr.Expr.Range()
		m, ok := d.str(attr)
		m = strings.ToUpper(m)
		sd.mechOK = ok && d.oneOf(attr.Expr.Range(), "auth mechanism", m, mechanismNames)
		a.Mechanism = transcript.Mechanism(m)
	}
	if attr := attrs["username"]; attr != nil {
		a.Username, _ = d.word(attr, "scanner@contoso.com")
	} else {
		d.errorAt(b.DefRange, "Missing username",
			"auth needs username = \"scanner@contoso.com\" (or env(\"NAME\")): for Microsoft 365, "+
				"the full sign-in address of the mailbox the device authenticates as.")
	}
	d.authSecrets(sd, b, attrs, oauthBlock != nil)
	d.oauth(sd, oauthBlock, attrs["token"])
}

// authSecrets reads the secret the mechanism uses and warns about the
// one it does not. XOAUTH2 with an oauth block may leave out token:
// smtpspec then gets one with the block's client credentials.
func (d *decoder) authSecrets(sd *siteDecode, b *hcl.Block, attrs hcl.Attributes, oauth bool) {
	a := sd.site.Auth
	if !sd.mechOK {
		// Unknown mechanism: check how the secrets are written, read none.
		for _, name := range []string{"password", "token"} {
			if attr := attrs[name]; attr != nil {
				d.secretRef(attr)
			}
		}
		return
	}
	used, unused := "password", "token"
	if a.Mechanism == transcript.MechXOAuth2 {
		used, unused = "token", "password"
	}
	if attr := attrs[unused]; attr != nil {
		d.secretRef(attr)
		d.warningAt(attr.NameRange, "Unused "+unused,
			"auth.mechanism %q sends the %s, so %s is not used or read. Remove it, or change the mechanism.",
			a.Mechanism, used, unused)
	}
	attr := attrs[used]
	if attr == nil && used == "token" && oauth {
		return // oauth.go requests the token
	}
	if attr == nil {
		d.errorAt(b.DefRange, "Missing "+used,
			"auth.mechanism %q needs %s = env(\"NAME\"), naming the environment variable that holds it%s.",
			a.Mechanism, used, tokenHint(used))
		return
	}
	name, call, ok := d.secretRef(attr)
	if !ok {
		return
	}
	sec, ok := d.readSecret(attr, name, call)
	if !ok {
		return
	}
	if used == "token" {
		a.Token = sec
	} else {
		a.Password = sec
	}
}

// tokenHint adds the other way to give XOAUTH2 its token.
func tokenHint(used string) string {
	if used != "token" {
		return ""
	}
	return ", or an oauth { tenant_id, client_id, client_secret = env(\"NAME\") } block with which smtpspec requests one"
}
