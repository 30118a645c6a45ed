package forecast

import (
	"context"
	"slices"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/specs"
)

// Fix is the migration advised for a site a change breaks. Its JSON
// fields are a public interface (the forecast JSON's "migration").
type Fix struct {
	Path  string `json:"path"`  // the migration's id (migrations.go); "a+b" for two steps
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

// step is one migration chosen for a site: the advice and the site it
// makes (nil when the simulator cannot play it).
type step struct {
	fix  *Fix
	site *profile
}

// anyPath are the migrations for a device that has to change path
// whatever the change, best first.
var anyPath = []string{fixXOAUTH2, fixHVE, fixRelayCert, fixRelayIP, fixACS, fixDirectSend, fixOnPremRelay}

// advise is the fix for site p at change c. A site that works today gets
// the first of c's migrations that fits the device and either survives c
// in the simulator or cannot be played there; the others that fit are the
// alternatives. A site broken today first needs today's fix (todayFix);
// the advice is that, then what the fixed site needs for c, if anything.
func (f *Forecaster) advise(ctx context.Context, sr *siteRun, c *Change, already bool) *Fix {
	if !already {
		st := f.choose(ctx, sr.p, c, c.fixes, false)
		if st == nil {
			return nil
		}
		return withStopgap(st.fix, c)
	}
	first := f.todayFix(ctx, sr)
	if first == nil {
		return nil
	}
	if first.site == nil || c.reach(first.site).kind == reachNo || f.survives(ctx, first.site, c) {
		return withStopgap(first.fix, c)
	}
	then := f.choose(ctx, first.site, c, c.fixes, false)
	if then == nil {
		return first.fix
	}
	return withStopgap(&Fix{Path: first.fix.Path + "+" + then.fix.Path, Title: first.fix.Title + ", then " + then.fix.Title,
		Text: "first " + first.fix.Text + "; then " + then.fix.Text, Verified: first.fix.Verified && then.fix.Verified,
		Alternatives: then.fix.Alternatives}, c)
}

// todayFix is what a site broken today needs to work today, chosen once
// per site: the fixes of the changes in effect that reach it (a root to
// trust, an MX to follow), a TLS 1.2 firmware for a device without it,
// then any path, each verified against today's Microsoft 365. Without
// one, the advice is today's verdict's next step.
func (f *Forecaster) todayFix(ctx context.Context, sr *siteRun) *step {
	sr.fixOnce.Do(func() {
		var ids []string
		for _, c := range f.inEffect {
			if c.reach(sr.p).kind == reachYes {
				ids = append(ids, c.fixes...)
			}
		}
		ids = append(ids, fixFirmwareTLS)
		sr.todayFix = f.choose(ctx, sr.p, nil, uniqueInOrder(append(ids, anyPath...)), true)
		if sr.todayFix == nil {
			today := f.run(ctx, sr.p.site, f.setupFor(sr.p))
			if today.Verdict.Next != "" {
				sr.todayFix = &step{fix: &Fix{Path: "fix-today", Title: "today's next step", Text: today.Verdict.Next}}
			}
		}
	})
	return sr.todayFix
}

// choose returns the first migration of ids that fits p and is verified
// under c (nil: today), or cannot be played when mustVerify is false;
// those that fit after it are its alternatives. A migration that could
// be played and fails is skipped: it does not save this device.
func (f *Forecaster) choose(ctx context.Context, p *profile, c *Change, ids []string, mustVerify bool) *step {
	var chosen *step
	var fallback *step // the first unplayable one, when mustVerify
	var alts []string
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
		if chosen != nil {
			alts = append(alts, m.title)
			continue
		}
		fix := &Fix{Path: id, Title: m.title, Text: m.text(p, c)}
		if m.rewrite == nil {
			if !mustVerify {
				chosen = &step{fix: fix}
			} else if fallback == nil {
				fallback = &step{fix: fix}
			}
			continue
		}
		q := f.rewritten(p, m, c)
		if !f.survives(ctx, q, c) {
			continue
		}
		fix.Verified = true
		chosen = &step{fix: fix, site: q}
	}
	if chosen == nil {
		chosen = fallback
	}
	if chosen != nil {
		chosen.fix.Alternatives = slices.DeleteFunc(alts, func(a string) bool { return a == chosen.fix.Title })
	}
	return chosen
}

// rewritten is site p after migration m (for change c).
func (f *Forecaster) rewritten(p *profile, m migration, c *Change) *profile {
	facts := p.facts
	if m.facts != nil {
		facts = m.facts(p.facts)
	}
	q := newProfile(f.prepare(m.rewrite(p, c)), facts)
	q.migrated = true
	return q
}

// survives reports whether q's mail goes through under c (nil: today),
// played in the simulator as the forecast plays every site.
func (f *Forecaster) survives(ctx context.Context, q *profile, c *Change) bool {
	st := f.setupFor(q)
	if c != nil && c.reach(q).kind != reachNo {
		st = f.setupFor(q, c)
	}
	return f.run(ctx, q.site, st).Verdict.Category == catalog.OK
}

func withStopgap(fix *Fix, c *Change) *Fix {
	if c.ID == "basic-auth-default-off" && fix.Stopgap == "" {
		out := *fix
		out.Stopgap = stopgapBasicAuth
		return &out
	}
	return fix
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
