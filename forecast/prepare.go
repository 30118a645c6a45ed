package forecast

import (
	"time"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/oauth/tokenserver"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// prepare returns the site as the forecast runs it: what would leave the
// machine or read the customer's own files is taken out, and an XOAUTH2
// site gets a stand-in token (or a token endpoint on loopback that issues
// one), so that nothing but the simulators is ever asked.
func (f *Forecaster) prepare(s *specs.Site) *specs.Site {
	if s == nil {
		return nil
	}
	c := *s
	c.Endpoint.CAFile = ""         // the forecast's CA stands in for Microsoft's chain
	c.DNS = specs.DNS{}            // the forecast's DNS answers (views.go)
	c.Reputation.Enabled = false   // no blocklist or public-IP lookups: offline
	c.Trace = nil                  // no message trace lookup: offline
	c.Auth = f.standInAuth(s.Auth) // XOAUTH2: a stand-in token
	c.Control = f.prepare(s.Control)
	return &c
}

// standInAuth gives an XOAUTH2 site a token the simulator accepts: an
// app-only token with the SMTP.SendAsApp role, from the site's tenant
// when tenant_id is a directory ID (tokenserver), given directly or issued
// by the forecast's token endpoint for the site's client id.
func (f *Forecaster) standInAuth(a *specs.Auth) *specs.Auth {
	if a == nil || a.Mechanism != transcript.MechXOAuth2 {
		return a
	}
	c := *a
	tid := tokenserver.Tenant
	if a.OAuth != nil && guidRE.MatchString(a.OAuth.TenantID) {
		tid = a.OAuth.TenantID
	}
	if a.OAuth.Acquire() {
		o := *a.OAuth
		o.TokenURL = f.tokenServer(o.ClientID, o.ClientSecret.Reveal(), tid).TokenURL()
		c.OAuth = &o
		return &c
	}
	c.Token = specs.NewSecret(a.Token.Env, standInToken(tid, f.opts.Now()))
	return &c
}

// guidRE is a directory (tenant) ID.
var guidRE = lazyre.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// standInToken is an app-only token Exchange Online would accept for
// SMTP, valid for a day from now: a forecast of many sites takes minutes.
func standInToken(tid string, now time.Time) string {
	return tokenserver.Mint(tokenserver.AppOnly(now).With("tid", tid, "iss", "https://sts.windows.net/"+tid+"/",
		"exp", now.Add(24*time.Hour).Unix()))
}
