package specs

import (
	"net"
	"net/url"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/smtpspec/smtpspec/transcript"
)

// OAuth is the auth block's oauth sub-block: how smtpspec gets the token
// it sends with XOAUTH2 (the client credentials of an Entra ID app
// registration), and what the token's claims must say.
type OAuth struct {
	TenantID     string // directory (tenant) id or verified domain; the expected tid
	ClientID     string // "" when auth.token gives the token
	ClientSecret Secret
	Scope        string // default DefaultOAuthScope
	TokenURL     string // "" means the Microsoft identity platform endpoint of TenantID
}

// DefaultOAuthScope is the scope of an app-only token for SMTP AUTH
// (FACTS.md 4.2).
const DefaultOAuthScope = "https://outlook.office365.com/.default"

// Acquire reports whether smtpspec gets the token itself (client
// credentials) rather than reading it from auth.token.
func (o *OAuth) Acquire() bool { return o != nil && o.ClientID != "" }

var oauthSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "tenant_id"}, {Name: "client_id"}, {Name: "client_secret"}, {Name: "scope"}, {Name: "token_url"},
	},
}

// oauth decodes auth's oauth block. With auth.token set, the block may
// only say which tenant the token must come from (tenant_id); otherwise
// it holds the client credentials smtpspec uses to get a token.
func (d *decoder) oauth(sd *siteDecode, b *hcl.Block, token *hcl.Attribute) {
	a := sd.site.Auth
	if b == nil {
		return
	}
	attrs := d.content(b.Body, b.Type, oauthSchema).Attributes
	if sd.mechOK && a.Mechanism != transcript.MechXOAuth2 {
		d.warningAt(b.DefRange, "Unused oauth block",
			"auth.mechanism %q does not use a token, so the oauth block is not used. Set mechanism = \"XOAUTH2\" "+
				"to authenticate with OAuth, or remove the block.", a.Mechanism)
		if attr := attrs["client_secret"]; attr != nil {
			d.secretRef(attr)
		}
		return
	}
	o := &OAuth{Scope: DefaultOAuthScope}
	a.OAuth = o
	if attr := attrs["tenant_id"]; attr != nil {
		o.TenantID, _ = d.word(attr, "contoso.onmicrosoft.com")
	}
	if token != nil {
		for _, name := range []string{"client_id", "client_secret", "scope", "token_url"} {
			if attr := attrs[name]; attr != nil {
				d.errorAt(attr.NameRange, "Both token and client credentials",
					"auth.token gives the token, so smtpspec does not request one and %s is not used. Give either "+
						"token = env(\"NAME\") (a token obtained elsewhere; oauth may then hold only tenant_id, to check it) "+
						"or the client credentials in oauth, not both.", name)
			}
		}
		return
	}
	d.oauthClient(o, b, attrs)
}

// oauthClient reads the client credentials and the token request.
func (d *decoder) oauthClient(o *OAuth, b *hcl.Block, attrs hcl.Attributes) {
	o.ClientID, o.ClientSecret = d.clientCredentials(b, attrs, "oauth",
		"the Entra ID app registration that holds the SMTP.SendAsApp permission "+
			"(or give a token obtained elsewhere with auth.token = env(\"NAME\")).")
	if attr := attrs["scope"]; attr != nil {
		if s, ok := d.word(attr, DefaultOAuthScope); ok {
			o.Scope = s
			if !strings.HasSuffix(s, "/.default") {
				d.errorAt(attr.Expr.Range(), "Invalid scope",
					"A client credentials token is requested for a resource's .default scope; Entra ID refuses "+
						"other scopes (AADSTS1002012). For SMTP AUTH use scope = %q.", DefaultOAuthScope)
			}
		}
	}
	if attr := attrs["token_url"]; attr != nil {
		o.TokenURL = d.tokenURL(attr)
	}
	if o.TenantID == "" && o.TokenURL == "" {
		d.errorAt(b.DefRange, "Missing tenant_id",
			"oauth needs tenant_id = \"...\" (the Directory (tenant) ID, or a verified domain such as "+
				"contoso.onmicrosoft.com) to find the token endpoint, or token_url = \"https://...\".")
	}
}

// tokenURL reads token_url: https, or http only to a loopback address (a
// test's token endpoint), never anything that sends the secret in clear
// text across a network.
func (d *decoder) tokenURL(attr *hcl.Attribute) string {
	s, ok := d.word(attr, "https://login.microsoftonline.com/TENANT/oauth2/v2.0/token")
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		d.errorAt(attr.Expr.Range(), "Invalid token_url",
			"token_url must be an https:// URL, like \"https://login.microsoftonline.us/TENANT/oauth2/v2.0/token\".")
		return ""
	case u.Scheme == "http" && !loopbackHost(u.Hostname()):
		d.errorAt(attr.Expr.Range(), "token_url without TLS",
			"token_url uses http://, which would send the client secret in clear text. Use https:// (http:// is "+
				"accepted only for a token endpoint on this machine's loopback address, for tests).")
		return ""
	}
	return s
}

func loopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// clientCredentials reads client_id and client_secret = env(...) of an
// app registration (oauth and trace blocks). block names the block in
// messages; idPurpose says what the app registration needs, after
// "client_id = \"...\": the Application (client) ID of ".
func (d *decoder) clientCredentials(b *hcl.Block, attrs hcl.Attributes, block, idPurpose string) (id string, secret Secret) {
	if attr := attrs["client_id"]; attr != nil {
		id, _ = d.word(attr, "00000000-0000-0000-0000-000000000000")
	} else {
		d.errorAt(b.DefRange, "Missing client_id",
			"%s needs client_id = \"...\": the Application (client) ID of %s", block, idPurpose)
	}
	if attr := attrs["client_secret"]; attr != nil {
		if name, call, ok := d.secretRef(attr); ok {
			secret, _ = d.readSecret(attr, name, call)
		}
	} else {
		d.errorAt(b.DefRange, "Missing client_secret",
			"%s needs client_secret = env(\"NAME\"), naming the environment variable that holds the app "+
				"registration's client secret value (not its secret ID).", block)
	}
	return id, secret
}
