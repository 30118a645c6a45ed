package capture

import (
	"crypto/tls"
	"slices"
	"strings"
)

// What Microsoft 365 would negotiate with a ClientHello, from its
// documented rules rather than from Go's choice (FACTS.md 1.1, MS
// "Technical reference details about encryption"): TLS 1.2 (TLS 1.3 "is
// supported by some of the services"; on SMTP UNCONFIRMED), and these
// suites in Microsoft's order of preference, the server's order winning
// as Schannel does. Whether the two TLS_RSA suites are still offered on
// SMTP is UNCONFIRMED (Feb 2025 MFP reports blame their removal), so a
// session that rests on them is only "likely". 3DES has been off since
// 28 Feb 2019; TLS 1.0/1.1 are refused on smtp.office365.com with 421
// 4.7.66 (catalog row tls-legacy-refused) and disabled on the MX since
// 15 Oct 2020 / 11 Jan 2021 (MC229914).
var m365Suites = []m365Suite{
	{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", true},
	{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", true},
	{0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", true},
	{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", true},
	{tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", true},
	{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", true},
	{tls.TLS_RSA_WITH_AES_256_GCM_SHA384, "TLS_RSA_WITH_AES_256_GCM_SHA384", false},
	{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, "TLS_RSA_WITH_AES_128_GCM_SHA256", false},
}

// Reasons of a Negotiation.
const (
	NegotiatedOK  = "ok"
	LegacyVersion = "legacy-version"  // nothing above TLS 1.1
	NoCommonSuite = "no-common-suite" // TLS 1.2+, but no suite Microsoft 365 offers
)

// tls13Suites are the TLS 1.3 suites Schannel implements (AES-GCM).
var tls13Suites = []uint16{tls.TLS_AES_256_GCM_SHA384, tls.TLS_AES_128_GCM_SHA256}

// predict is Microsoft 365's side of a handshake with h on persona p.
func predict(h *Hello, p Persona) Negotiation {
	offers := func(v uint16) bool { return slices.Contains(h.versions, v) }
	if !offers(tls.VersionTLS12) && !offers(tls.VersionTLS13) {
		return legacyOnly(h, p)
	}
	if offers(tls.VersionTLS12) {
		for _, s := range m365Suites {
			if !slices.Contains(h.suites, s.id) {
				continue
			}
			n := Negotiation{Version: "TLS 1.2", CipherSuite: s.name, OK: true, Reason: NegotiatedOK, Likely: !s.confirmed,
				Why: "the device offers TLS 1.2 and " + s.name + ", the first suite in Microsoft 365's order it also offers"}
			if !s.confirmed {
				n.Why = "the device's only suites Microsoft 365 lists are TLS_RSA ones (no ECDHE): Microsoft has not confirmed that SMTP still offers them, and MFPs broke in February 2025 when they were reportedly removed"
			}
			if offers(tls.VersionTLS13) && s.confirmed {
				n.Why += "; it also offers TLS 1.3, which Microsoft 365 supports on some services (on SMTP unconfirmed)"
			}
			return n
		}
	}
	if offers(tls.VersionTLS13) && slices.ContainsFunc(tls13Suites, func(id uint16) bool { return slices.Contains(h.suites, id) }) {
		return Negotiation{Version: "TLS 1.3", OK: true, Reason: NegotiatedOK, Likely: true,
			Why: "the device offers TLS 1.3 and no TLS 1.2 suite Microsoft 365 lists: TLS 1.3 is supported by some Microsoft 365 services, on SMTP unconfirmed"}
	}
	return Negotiation{Reason: NoCommonSuite, Why: "none of the device's cipher suites is one Microsoft 365 offers (" + strings.Join(m365SuiteNames(), ", ") +
		"; 3DES has been disabled since 2019): the handshake fails"}
}

// legacyOnly: the device offers nothing above TLS 1.1.
func legacyOnly(h *Hello, p Persona) Negotiation {
	top := "SSL 3.0"
	if len(h.versions) > 0 {
		top = versionName(slices.Max(h.versions))
	}
	if p == MX {
		return Negotiation{Version: top, Reason: LegacyVersion, Why: "the device offers " + top + " at most: the tenant MX disabled TLS 1.0/1.1 in January 2021, so the handshake fails (the MX still takes mail without TLS if the device falls back to plain text)"}
	}
	return Negotiation{Version: top, Reason: LegacyVersion, Why: "the device offers " + top + " at most: smtp.office365.com answers the first command after a TLS 1.0/1.1 handshake with 421 4.7.66 TLS 1.0 and 1.1 are not supported"}
}

type m365Suite struct {
	id        uint16
	name      string
	confirmed bool
}

func m365SuiteNames() []string { return names(m365Suites, func(s m365Suite) string { return s.name }) }
