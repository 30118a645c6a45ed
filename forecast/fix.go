package forecast

import (
	"context"
	"slices"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/specs"
)

// Fix is the migration advised for a site a change breaks. Its JSON
// fields are a public interface (the forecast JSON's "migration").
type Fix struct {
	Path  string `json:"path"`  // the migration's id (migrations.go)
	Title string `json:"title"` // its name, for a reader
	Text  string `json:"text"`  // what to do, with the settings to change
	// Verified: the site, rewritten as the migration makes it, survives
	// the change in the simulator (the device's TLS, greeting and
	// mechanisms kept). A path the simulator cannot play (a partner
	// connector, an on-premises relay) is not.
	Verified bool `json:"verified"`
	// Stopgap buys time without fixing anything (basic auth re-enabled).
	Stopgap string `json:"stopgap,omitempty"`
	// Alternatives are the other migrations that fit the device, not
	// verified, best first.
	Alternatives []string `json:"alternatives,omitempty"`
}

// anyPath are the migrations tried for a site that is broken already:
// whatever the change, it needs a path that works, best first.
var anyPath = []string{fixXOAUTH2, fixHVE, fixRelayCert, fixRelayIP, fixDirectSend, fixOnPremRelay}

// advise picks the first of c's migrations that fits the device and
// either survives c in the simulator or cannot be played there; the
// others that fit are the alternatives. A site broken today tries every
// path after c's own. When none survives, the advice is today's
// verdict's next step.
func (f *Forecaster) advise(ctx context.Context, p *profile, c *Change, already bool) *Fix {
	var fix *Fix
	var alts []string
	ids := c.fixes
	if already {
		ids = uniqueInOrder(slices.Concat(c.fixes, anyPath))
	}
	for _, id := range ids {
		m := migrations[id]
		if id == fixXOAUTH2 && !p.mechsStated && p.site.Auth != nil && p.site.Client.Greeting != specs.GreetingHELO {
			// The decoder's default lists XOAUTH2 whatever the device does.
			alts = append(alts, m.title+", if the device supports it (client.auth_mechanisms does not say)")
			continue
		}
		if !m.fits(p, c) {
			continue
		}
		if fix != nil {
			alts = append(alts, m.title)
			continue
		}
		verified, ok := f.verify(ctx, p, c, m)
		if !ok {
			continue
		}
		fix = &Fix{Path: id, Title: m.title, Text: m.text(p, c), Verified: verified}
	}
	if fix == nil {
		today := f.run(ctx, p.site, f.setupFor(p))
		fix = &Fix{Path: "fix-today", Title: "fix today's failure first", Text: today.Verdict.Next}
		if fix.Text == "" {
			return nil
		}
	}
	fix.Alternatives = alts
	if c.ID == "basic-auth-default-off" {
		fix.Stopgap = stopgapBasicAuth
	}
	return fix
}

// verify plays migration m of site p under change c: verified when the
// rewritten site's mail goes through; ok false when it does not (the
// migration does not save this device). A migration without a rewrite
// is taken unverified.
func (f *Forecaster) verify(ctx context.Context, p *profile, c *Change, m migration) (verified, ok bool) {
	if m.rewrite == nil {
		return false, true
	}
	s := m.rewrite(p, c)
	facts := p.facts
	if m.facts != nil {
		facts = m.facts(p.facts)
	}
	q := newProfile(f.prepare(s), facts)
	st := f.setupFor(q)
	if c.reach(q).kind != reachNo {
		st = f.setupFor(q, c)
	}
	ok = f.run(ctx, q.site, st).Verdict.Category == checks.OK
	return ok, ok
}

// stopgapBasicAuth: "administrators can still enable it" (MS blog
// 4489835); which switch does it is UNCONFIRMED (FACTS.md section 0).
const stopgapBasicAuth = "until the final removal an administrator can still enable basic authentication for SMTP AUTH " +
	"after the default flips (which setting does it is UNCONFIRMED); it buys time, it does not fix the device"

// uniqueInOrder drops repeated ids, keeping the first of each.
func uniqueInOrder(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// withFact returns facts with f set to v.
func withFact(f Fact, v string) func(Facts) Facts {
	return func(in Facts) Facts {
		out := Facts{}
		for k, x := range in {
			out[k] = x
		}
		out[f] = v
		return out
	}
}
