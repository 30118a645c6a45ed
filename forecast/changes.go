package forecast

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// g2Thumbprint identifies DigiCert Global Root G2 (FACTS.md 8, MS blog 4488311).
const g2Thumbprint = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4"

// Changes returns the announced changes (FACTS.md section 0, updates of
// 2026-12-03), each with its Microsoft source, in a stable order. Each
// call returns fresh values.
func Changes() []*Change {
	return []*Change{
		{ID: "digicert-global-root-g2", Title: "Exchange Online certificates chain to DigiCert Global Root G2",
			Date: "22 March 2026 (devices had to trust it by then)", Effective: "2026-03-22", inEffect: true,
			Source:    "MS: MC1224565; Exchange Team blog 4488311 (trust DigiCert Global Root G2 to avoid Exchange Online email disruption)",
			Confirmed: true, reach: reachG2, alter: func(a *alteration, _ *profile) { a.distrust = true },
			fixes: []string{fixTrustG2, fixRelayIP, fixDirectSend, fixOnPremRelay}},
		{ID: "tls-rsa-suites-removed", Title: "Non-ECDHE (TLS_RSA) cipher suites no longer offered on SMTP",
			Date: "reported February 2025 (UNCONFIRMED)", Effective: "2025-02-01", Future: "tls-rsa-suites-removed",
			Source:      "secondary: borncity.com report via kmeys.com (FACTS.md 8); MS encryption reference lists TLS_RSA_WITH_AES_256/128_GCM",
			Unconfirmed: "whether Exchange Online still offers TLS_RSA suites on SMTP, and when they go; Microsoft has not confirmed",
			reach:       reachECDHE, alter: func(a *alteration, _ *profile) { a.rsaOnly = true },
			fixes: []string{fixFirmwareECDHE, fixRelayIP, fixDirectSend, fixOnPremRelay}},
		{ID: "reject-direct-send", Title: "The tenant turns RejectDirectSend on",
			Date: "opt-in since September 2025 (any day a tenant turns it on)", Effective: "2025-09-01", Future: "reject-direct-send",
			Source:      "MS: Exchange Team blog 4408790 (Set-OrganizationConfig -RejectDirectSend $true); MC1093237; reply text petri.com (secondary)",
			Confirmed:   true,
			Unconfirmed: "the SMTP stage of 550 5.7.68 (played at RCPT); its text is secondary",
			reach:       reachRejectDirectSend, alter: alterSenderDomain,
			fixes: []string{fixPartner, fixRelayCert, fixRelayIP, fixXOAUTH2, fixHVE, fixOnPremRelay}},
		{ID: "mx-microsoft-host", Title: "Accepted domains added after 1 July 2026 get their MX under mx.microsoft",
			Date: "domains added after 1 July 2026", Effective: "2026-07-01", inEffect: true, Future: "mx-microsoft-host",
			Source:      "MS: MC1048624 (updated 2 Feb 2026); the Graph serviceConfigurationRecords API gives a domain's MX",
			Confirmed:   true,
			Unconfirmed: "the banner and EHLO of the mx.microsoft front ends; whether <domain>.mail.protection.outlook.com also resolves for such a domain (played as: it does not)",
			reach:       reachMXMicrosoft, dns: &dnsRule{goneSuffix: ".mail.protection.outlook.com", mxMoved: true},
			fixes: []string{fixFollowMX}},
		{ID: "legacy-tls-removed", Title: "TLS 1.0/1.1 refused on smtp-legacy.office365.com, as on smtp.office365.com",
			Date: "UNCONFIRMED for SMTP (POP3/IMAP4: 1 July - 31 December 2026)", Effective: "2026-12-31", Future: "legacy-tls-removed",
			Source:      "MS: Exchange Team blog 4515201 and MC1293480 (legacy TLS blocked for POP3/IMAP4); SMTP is not mentioned",
			Unconfirmed: "whether and when smtp-legacy.office365.com stops accepting TLS 1.0/1.1",
			reach:       reachLegacyTLS,
			fixes:       []string{fixFirmwareTLS, fixRelayIP, fixDirectSend, fixOnPremRelay}},
		{ID: "basic-auth-default-off", Title: "SMTP AUTH basic authentication disabled by default for existing tenants",
			Date: "end of December 2026", Effective: "2026-12-31", Future: "basic-auth-default-off",
			Source:      "MS: Exchange Team blog 4489835 (27 Jan 2026, updated timeline); MC786329",
			Confirmed:   true,
			Unconfirmed: "the exact day, the switch that re-enables it, and the reply devices get (played with 535 5.7.139 basic authentication is disabled, the documented refusal by policy)",
			reach:       reachBasicAuth,
			fixes:       []string{fixXOAUTH2, fixHVE, fixRelayCert, fixRelayIP, fixACS, fixDirectSend, fixOnPremRelay}},
		{ID: "basic-auth-removed", Title: "SMTP AUTH basic authentication removed for client submission",
			Date: "announced: H2 2027 (Microsoft announces the removal date then)", Effective: "2027-07-01", Future: "basic-auth-removed",
			Source:      "MS: Exchange Team blog 4489835 and 4114750 (550 5.7.30); MC786329",
			Unconfirmed: "the date (MC786329 calls the removal on hold); 550 5.7.30 is the announced reply, not yet seen",
			reach:       reachBasicAuth,
			fixes:       []string{fixXOAUTH2, fixHVE, fixRelayCert, fixRelayIP, fixACS, fixDirectSend, fixOnPremRelay}},
		{ID: "hve-basic-auth-removed", Title: "High Volume Email loses basic authentication",
			Date: "September 2028 (secondary)", Effective: "2028-09-01", Future: "hve-basic-auth-removed",
			Source:      "secondary: Petri (FACTS.md section 0)",
			Unconfirmed: "the date and the reply (played with 535 5.7.139 basic authentication is disabled)",
			reach:       reachHVEBasicAuth,
			fixes:       []string{fixXOAUTH2, fixRelayCert, fixRelayIP, fixDirectSend, fixOnPremRelay}},
		{ID: "hve-endpoint-renamed", Title: "High Volume Email's old name smtp-hve.office365.com stops resolving (smtp.hve.mx.microsoft instead)",
			Date: "not announced", Source: "third-party (FACTS.md section 0): endpoint smtp.hve.mx.microsoft:587, smtp-hve.office365.com deprecated",
			Unconfirmed: "all of it: Microsoft text naming either endpoint was not found",
			reach:       reachHVEOldName, dns: &dnsRule{gone: []string{catalog.HVEHostOld}},
			fixes: []string{fixHVENewName}},
	}
}

// Each change's reach. A site not on Exchange Online is decided once,
// for all changes, in forecast.go.

func reachG2(p *profile) reach {
	switch {
	case !p.tls:
		return no("the device sends without TLS")
	case !p.verifies:
		return no("the device does not check the server's certificate (insecure_skip_verify)")
	case p.facts.yes(FactTrustsG2):
		return no("the device trusts DigiCert Global Root G2 (fact)")
	case p.facts.no(FactTrustsG2):
		return yes()
	}
	return unknown("whether the device trusts DigiCert Global Root G2 (SHA-1 " + g2Thumbprint + ") and its intermediates: " +
		settle(FactTrustsG2, "yes"))
}

func reachECDHE(p *profile) reach {
	switch {
	case !p.tls:
		return no("the device sends without TLS")
	case p.site.Client.TLSMax >= tls.VersionTLS13:
		return no("the device speaks TLS 1.3, whose key exchange is always ephemeral")
	case p.facts.yes(FactECDHE):
		return no("the device offers ECDHE suites (fact)")
	case p.facts.no(FactECDHE):
		return yes()
	}
	return unknown("whether the device offers ECDHE suites (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 or _128_GCM_SHA256): " +
		settle(FactECDHE, "yes"))
}

func reachRejectDirectSend(p *profile) reach {
	switch {
	case p.site.Method != transcript.DirectSend:
		return no("not Direct Send: RejectDirectSend covers anonymous mail only")
	case p.facts.yes(FactPartner):
		return no("a partner connector matches the device, which exempts it (fact)")
	case inDomain(p.fromDomain, p.tenant), p.facts.yes(FactSenderAccepted):
		return yes()
	case p.facts.no(FactSenderAccepted):
		return no("the sender's domain is not an accepted domain: RejectDirectSend covers the tenant's own domains only")
	}
	return unknown(fmt.Sprintf("whether %s, the sender's domain, is an accepted domain of the tenant (RejectDirectSend covers "+
		"senders in the tenant's own domains): %s", p.fromDomain, settle(FactSenderAccepted, "yes")))
}

func reachMXMicrosoft(p *profile) reach {
	switch {
	case p.site.Method == transcript.Submission:
		return no("submission does not use the tenant MX")
	case strings.HasSuffix(p.host, ".mx.microsoft"):
		return no("the device already names the domain's MX under mx.microsoft")
	case p.host != "" && !strings.HasSuffix(p.host, ".mail.protection.outlook.com"):
		return no("the device does not name the tenant MX")
	}
	if added := p.facts[FactDomainAdded]; added != "" {
		if added > "2026-07-01" {
			return yes()
		}
		return no("the accepted domain was added before 1 July 2026 (fact): its MX stays")
	}
	return unknown(fmt.Sprintf("when the tenant added %s (after 1 July 2026 its MX is under mx.microsoft, and the "+
		"Graph serviceConfigurationRecords API gives it): %s", p.tenant, settle(FactDomainAdded, "2026-09-01")))
}

func reachLegacyTLS(p *profile) reach {
	if p.kind != catalog.EndpointLegacy {
		return no("not smtp-legacy.office365.com (smtp.office365.com and the MX refuse TLS 1.0/1.1 already)")
	}
	return yes()
}

func reachBasicAuth(p *profile) reach {
	switch {
	case p.site.Method != transcript.Submission || p.site.Auth == nil:
		return no("the device sends no password (no SMTP AUTH)")
	case p.kind == catalog.EndpointHVE:
		return no("High Volume Email keeps basic auth after smtp.office365.com (secondary: until September 2028)")
	}
	return yes()
}

func reachHVEBasicAuth(p *profile) reach {
	if p.kind != catalog.EndpointHVE || p.site.Auth == nil {
		return no("not High Volume Email with SMTP AUTH")
	}
	return yes()
}

func reachHVEOldName(p *profile) reach {
	if p.host != catalog.HVEHostOld {
		return no("the device does not name " + catalog.HVEHostOld)
	}
	return yes()
}
