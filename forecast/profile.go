package forecast

import (
	"crypto/tls"
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// profile is what the forecast reads from a site's spec: the device, its
// path to Microsoft 365 and the tenant it sends for.
type profile struct {
	site  *specs.Site
	facts Facts
	// host is the name the device connects to, lower case; "" when it
	// looks up mxDomain's MX.
	host string
	kind string // catalog.EndpointKind(host)
	// microsoft: the endpoint is Exchange Online (a Microsoft 365 host
	// that is not Azure Communication Services).
	microsoft bool
	// tenant is the tenant's accepted domain the simulator takes: the MX
	// domain, the domain a tenant MX host is named after, else the
	// mailbox's or the sender's domain.
	tenant     string
	fromDomain string
	// internal: every recipient is in the tenant's domain (Direct Send and
	// High Volume Email reach nothing else).
	internal bool
	// tls: the device negotiates TLS (EHLO, STARTTLS or implicit TLS);
	// verifies: and checks the server's certificate.
	tls, verifies bool
	// mechsStated: client.auth_mechanisms is in the spec; the decoder's
	// default lists every mechanism the probe knows, which says nothing
	// about the device.
	mechsStated bool
	// migrated: the site as a fix rewrites it, not one of the fleet's.
	migrated bool
}

func newProfile(s *specs.Site, facts Facts) *profile {
	p := &profile{site: s, facts: facts, host: strings.TrimSuffix(strings.ToLower(s.Endpoint.Host), ".")}
	p.kind = catalog.EndpointKind(p.host)
	p.microsoft = p.kind != catalog.EndpointACS && (p.host == "" || catalog.MicrosoftHost(p.host))
	p.fromDomain = domainOf(s.Envelope.From)
	p.tenant = tenantDomain(s, p.host)
	p.internal = len(s.Envelope.To) > 0 && !slices.ContainsFunc(s.Envelope.To, func(to string) bool {
		return !inDomain(domainOf(to), p.tenant)
	})
	p.tls = s.Client.Greeting != specs.GreetingHELO && s.Endpoint.TLS != transcript.NoTLS
	p.verifies = p.tls && !s.Endpoint.InsecureSkipVerify
	p.mechsStated = !slices.Equal(s.Client.AuthMechanisms, transcript.Mechanisms)
	return p
}

// tenantDomain picks the tenant's domain for the simulator. A tenant MX
// host is named after the domain with its dots as hyphens
// (contoso-com.mail.protection.outlook.com, FACTS.md 1.2), which a
// hyphen in the domain makes ambiguous: the envelope's domains settle it.
func tenantDomain(s *specs.Site, host string) string {
	if d := strings.ToLower(s.Endpoint.MXDomain); d != "" {
		return d
	}
	var candidates []string
	if s.Auth != nil {
		candidates = append(candidates, domainOf(s.Auth.Username))
	}
	candidates = append(candidates, domainOf(s.Envelope.From))
	for _, to := range s.Envelope.To {
		candidates = append(candidates, domainOf(to))
	}
	if label, ok := mxLabel(host); ok {
		for _, d := range candidates {
			if d != "" && strings.ReplaceAll(d, ".", "-") == label {
				return d
			}
		}
		if i := strings.LastIndexByte(label, '-'); i > 0 {
			return label[:i] + "." + label[i+1:]
		}
	}
	for _, d := range candidates {
		if _, err := sim.ValidDomain(d); d != "" && err == nil {
			return d
		}
	}
	return sim.DefaultDomain
}

// mxLabel is the tenant label of a tenant MX host name:
// "contoso-com" of contoso-com.mail.protection.outlook.com or of
// contoso-com.o-v1.mx.microsoft.
func mxLabel(host string) (string, bool) {
	label, rest, ok := strings.Cut(host, ".")
	if !ok || label == "" {
		return "", false
	}
	return label, rest == "mail.protection.outlook.com" || strings.HasSuffix(rest, ".mx.microsoft")
}

// mxHost is the host name of the tenant's MX today (FACTS.md 1.2):
// <domain with hyphens>.mail.protection.outlook.com.
func mxHost(domain string) string {
	return strings.ReplaceAll(domain, ".", "-") + ".mail.protection.outlook.com"
}

// mxMicrosoftHost is the MX of a domain added after 1 July 2026, under
// mx.microsoft (MC1048624). The zone label is a guess at its shape
// (sim.Scenario.MXMicrosoft): which one a tenant gets is Graph's to say.
func mxMicrosoftHost(domain string) string {
	return strings.ReplaceAll(domain, ".", "-") + ".o-v1.mx.microsoft"
}

// domainOf is the lower-case domain of an address, "" without one.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(strings.Trim(addr[at+1:], "<> ")), ".")
}

// inDomain reports d is domain or under it.
func inDomain(d, domain string) bool {
	return d != "" && (d == domain || strings.HasSuffix(d, "."+domain))
}

// canTLS12 reports whether the device can negotiate TLS 1.2 or later.
func (p *profile) canTLS12() bool {
	return p.tls && p.site.Client.TLSMax >= tls.VersionTLS12
}

// supports reports the device lists mech in client.auth_mechanisms (only
// a list the spec states counts: the default says nothing).
func (p *profile) supports(mech transcript.Mechanism) bool {
	return p.mechsStated && slices.Contains(p.site.Client.AuthMechanisms, mech)
}

// can reports the device can authenticate with mech: it lists it, or
// lists nothing and uses it now.
func (p *profile) can(mech transcript.Mechanism) bool {
	return p.supports(mech) || !p.mechsStated && p.site.Auth != nil && p.site.Auth.Mechanism == mech
}

// basicAuth reports a site that sends a password (AUTH LOGIN or PLAIN).
func (p *profile) basicAuth() bool {
	return p.site.Auth != nil && p.site.Auth.Mechanism != transcript.MechXOAuth2
}

// endpoint is the simulator's view of where the device connects.
func (p *profile) endpoint() sim.Endpoint {
	return sim.Endpoint{Method: p.site.Method, Host: p.host, CertConnector: len(p.site.Client.Certificate) > 0}
}
