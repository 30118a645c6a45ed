package forecast

import (
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/sim"
)

// alteration is what changes reach outside the endpoint for one site.
type alteration struct {
	distrust bool     // the device does not trust the server's root (DigiCert G2)
	rsaOnly  bool     // the device offers RSA key exchange only (no ECDHE)
	domains  []string // the tenant's other accepted domains the site needs (the sender's)
}

// setup is everything one run of a site depends on besides the site:
// the scenarios at its endpoint and its control's, its DNS view and the
// device's trust and suites. Equal setups of equal sites give equal
// results (memo.go). It is comparable.
type setup struct {
	endpoint sim.Scenario
	control  sim.Scenario // zero without a control block
	tenant   string
	domains  string // the other accepted domains, comma-separated
	view     string // the DNS view (views.go key): the DNS-altering changes applied
	distrust bool
	rsaOnly  bool
}

// today returns the scenario of the site's endpoint today: sim.Today, or
// what the caller substituted for a site of the fleet (Options.Today; a
// migrated site has moved to an endpoint of Microsoft's defaults).
func (f *Forecaster) today(p *profile) sim.Scenario {
	if f.opts.Today != nil && !p.migrated {
		if sc := f.opts.Today(p.site); sc != nil {
			return *sc
		}
	}
	return *sim.Today(p.endpoint())
}

// setupFor builds the setup of site p under the given changes (none:
// today), on top of the changes already in effect that p is known to
// meet (a domain known to be added after 1 July 2026 has its MX under
// mx.microsoft today).
func (f *Forecaster) setupFor(p *profile, changes ...*Change) setup {
	st := setup{endpoint: f.today(p), tenant: p.tenant}
	if p.facts.yes(FactPlainAccepted) {
		st.endpoint.PlainAsBasic = true // AUTH PLAIN taken like LOGIN (FACTS.md 1.1: UNCONFIRMED)
	}
	if c := p.site.Control; c != nil {
		st.control = *sim.Today(newProfile(c, p.facts).endpoint())
	}
	var a alteration
	var views []string
	apply := func(c *Change) {
		if c.Future != "" {
			fut, err := sim.FindFuture(c.Future)
			if err == nil { // the table test proves every Future exists
				fut.Apply(&st.endpoint)
				if st.control.Method != "" {
					fut.Apply(&st.control)
				}
			}
		}
		if c.alter != nil {
			c.alter(&a, p)
		}
		if c.dns != nil && !slices.Contains(views, c.ID) {
			views = append(views, c.ID)
		}
	}
	for _, c := range f.inEffect {
		if c.reach(p).kind == reachYes && !slices.Contains(changes, c) {
			apply(c)
		}
	}
	for _, c := range changes {
		apply(c)
	}
	slices.Sort(views) // a view's name does not depend on the order the changes came in
	st.view = strings.Join(views, "+")
	st.distrust, st.rsaOnly = a.distrust, a.rsaOnly
	slices.Sort(a.domains)
	st.domains = strings.Join(slices.Compact(a.domains), ",")
	return st
}

// alterSenderDomain: RejectDirectSend refuses senders in any of the
// tenant's accepted domains, so a sender's domain that may be one is
// played as one.
func alterSenderDomain(a *alteration, p *profile) {
	if p.fromDomain != "" && !inDomain(p.fromDomain, p.tenant) {
		a.domains = append(a.domains, p.fromDomain)
	}
}

// microsoftOnly is the reach of every change for a site whose endpoint is
// not Exchange Online: the changes meet it only through the server it
// sends to, which the forecast cannot play.
func microsoftOnly(p *profile) (reach, bool) {
	if p.microsoft {
		return reach{}, false
	}
	what := "Azure Communication Services, not Exchange Online"
	if p.kind != catalog.EndpointACS {
		what = "not a Microsoft 365 endpoint"
	}
	return unknown("the device sends to " + p.host + ", " + what + ": these changes reach it only through that " +
		"server, which the forecast cannot play (forecast the server's own path to Microsoft 365 as a site)"), true
}
