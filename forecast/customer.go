package forecast

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// customerOf names whom a site belongs to: the spec's customer
// attribute, else the first folder under the spec path given that holds
// the spec (specs/acme/hq.hcl under specs/ is acme's), else "".
func customerOf(s *specs.Site, roots []string) string {
	if s.Labels.Customer != "" {
		return s.Labels.Customer
	}
	file := filepath.Clean(s.DeclRange.Filename)
	for _, root := range roots {
		rel, err := filepath.Rel(filepath.Clean(root), file)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			continue
		}
		if dir, _, ok := strings.Cut(filepath.ToSlash(rel), "/"); ok {
			return dir
		}
	}
	return ""
}

// endpointName is where the device sends, for a reader.
func endpointName(s *specs.Site) string {
	if s.Endpoint.Host != "" {
		return s.Endpoint.Host
	}
	return "MX of " + s.Endpoint.MXDomain
}

// notes are what a reader must know to trust the site's row.
func (f *Forecaster) notes(r *siteRun) []string {
	var out []string
	for _, v := range f.stand.unsetFor(r.orig.Name) {
		out = append(out, v+" is not set here: the forecast used a stand-in")
	}
	p := r.p
	if a := p.site.Auth; a != nil && a.Mechanism == transcript.MechPlain && p.site.Method == transcript.Submission && !p.facts.yes(FactPlainAccepted) {
		out = append(out, "today assumes Microsoft 365 refuses AUTH PLAIN (504 5.7.4: it offers LOGIN and XOAUTH2, "+
			"a Microsoft employee on mattermost#954); whether a tenant accepts PLAIN anyway is UNCONFIRMED: if this device "+
			"works today, "+settle(FactPlainAccepted, "yes"))
	}
	if p.site.Method != transcript.Submission && p.host == "" {
		out = append(out, "the device looks up the MX of "+p.tenant+": the forecast answers it as Microsoft 365 names it "+
			"("+mxHost(p.tenant)+"; under mx.microsoft for a domain added after 1 July 2026)")
	}
	switch {
	case p.site.Method == transcript.Relay && len(p.site.Client.Certificate) == 0:
		out = append(out, "today assumes the inbound connector matches the site's static public IP (only `smtpspec run` from "+
			"the site can tell: 550 5.7.64 TenantAttribution when it does not)")
	case p.site.Method == transcript.DirectSend:
		out = append(out, "today assumes the tenant's default, RejectDirectSend off; reaching the MX proves nothing about "+
			"the tenant's settings (MS blog 4439865)")
	}
	if !p.microsoft {
		out = append(out, "the device sends to "+p.host+", which is not Exchange Online: today shows how Exchange Online "+
			"would answer this device, not how "+p.host+" does")
	}
	if r.orig.Trace != nil {
		out = append(out, "message trace is not looked up (the forecast is offline)")
	}
	return slices.Compact(out)
}
