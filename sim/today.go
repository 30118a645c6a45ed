package sim

import (
	"crypto/tls"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// Endpoint is what a device connects to, as far as Microsoft 365's
// behaviour depends on it.
type Endpoint struct {
	Method transcript.Method
	// Host is the name the device connects to; "" when it looks up the
	// tenant's MX.
	Host string
	// CertConnector: a relay whose inbound connector accepts the device by
	// its TLS client certificate rather than its static IP.
	CertConnector bool
}

// Today returns the scenario of ep as Microsoft 365 behaves now (FACTS.md,
// updates of 2026-12-03) for a tenant with its default settings, whatever
// the device: the forecast's "today", which the announced changes
// (Futures) modify. Tenant-specific states (SMTP AUTH off, a connector
// that no longer matches, RejectDirectSend on, a blocked IP) are the
// named scenarios', not today's.
//
//   - smtp.office365.com: TLS 1.0/1.1 handshakes are answered with 421
//     4.7.66 (catalog row tls-legacy-refused); AUTH LOGIN and XOAUTH2
//     work, PLAIN gets 504 5.7.4 (whether a tenant accepts PLAIN anyway is
//     UNCONFIRMED, FACTS.md 1.1).
//   - smtp-legacy.office365.com: TLS 1.0/1.1 accepted (the tenant opted in
//     with AllowLegacyTLSClients, which is why the device uses it).
//   - High Volume Email: internal recipients only (550 5.5.105, a code from
//     second-hand digests: UNCONFIRMED text); TLS 1.2 and later.
//   - the tenant MX: its own domains only for Direct Send, anyone through a
//     relay connector (by IP: the connector is taken to match the site's
//     IP, which only a live probe can tell; by certificate: the
//     certificate must name an accepted domain); under mx.microsoft when
//     the device names such a host.
//
// Every Today also offers the TLS_RSA suites of Microsoft's published
// list (TLSRSA; whether SMTP still does is UNCONFIRMED), so that only the
// tls-rsa-suites-removed future takes them away.
func Today(ep Endpoint) *Scenario {
	sc := todayBase(ep)
	sc.TLSRSA = true
	return sc
}

func todayBase(ep Endpoint) *Scenario {
	if ep.Method == transcript.Submission {
		switch catalog.EndpointKind(ep.Host) {
		case catalog.EndpointLegacy:
			return &Scenario{Name: "today-legacy-tls", Method: ep.Method, TLSMin: tls.VersionTLS10,
				Summary: "smtp-legacy.office365.com for a tenant that allows legacy TLS clients"}
		case catalog.EndpointHVE:
			return &Scenario{Name: "today-hve", Method: ep.Method, HVE: true, RcptExternal: "hve-external-not-supported",
				Summary: "High Volume Email: internal recipients only"}
		}
		return &Scenario{Name: "today-submission", Method: ep.Method, TLSMin: tls.VersionTLS10, RefuseLegacyTLS: true,
			Summary: "smtp.office365.com today: TLS 1.2+, AUTH LOGIN and XOAUTH2"}
	}
	sc := mxScenario("today-"+strings.ReplaceAll(string(ep.Method), "_", "-"), ep.Method, "the tenant MX today")
	switch {
	case ep.Method == transcript.Relay && ep.CertConnector:
		sc.ClientCert, sc.RcptExternal = true, "tenant-attribution"
	case ep.Method == transcript.Relay:
		sc.RcptExternal = ""
	}
	sc.MXMicrosoft = strings.HasSuffix(strings.TrimSuffix(strings.ToLower(ep.Host), "."), ".mx.microsoft")
	return sc
}
