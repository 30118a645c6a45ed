package diagnosis

import (
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// endpoint is a Microsoft SMTP endpoint other than smtp.office365.com and
// the tenant MX (catalog.EndpointKind), with what a device needs to know
// about it (FACTS.md 1.5, 4.4, 4.5). Each is a first-class target: method = "submission" with
// endpoint { host = ... } gets port 587 and STARTTLS by default.
type endpoint struct {
	host     string // as the site names it
	name     string // catalog.EndpointKind: hve, acs, legacy
	exchange bool   // Exchange Online SMTP AUTH (basic auth retirement applies)
	about    string
	// replies explains the endpoint's own meaning of a reply, by "code
	// enhanced" ("535" matches any 535).
	replies map[string]finding
}

// endpoints are the special endpoints by catalog.EndpointKind.
var endpoints = map[string]endpoint{
	catalog.EndpointHVE: hveEndpoint(),
	catalog.EndpointACS: {exchange: false,
		about: "Azure Communication Services Email SMTP: username is an SMTP username resource tied to an Entra ID app with access to the ACS resource, password is that app's client secret; the sender domain must be verified",
		replies: map[string]finding{
			"535": {catalog.AuthCat, 9, "Azure Communication Services refused the credentials",
				"use the SMTP username of the Communication Services resource (SMTP Usernames blade) and the Entra ID app's client secret value; the app needs a role on the Communication Services resource, and the client secret may have expired"},
		}},
	catalog.EndpointLegacy: {exchange: true,
		about: "Exchange Online's opt-in endpoint for SMTP AUTH clients that need TLS 1.0/1.1; works only while the tenant allows legacy TLS clients",
		replies: map[string]finding{
			"421 4.7.66": {catalog.TLSCat, 4, "the legacy-TLS endpoint refused TLS 1.0/1.1: the tenant has not opted in",
				"Set-TransportConfig -AllowLegacyTLSClients $true (Exchange admin center > Settings > Mail flow > Turn on use of legacy TLS clients); not available in GCC; better, update the device to TLS 1.2"},
		}},
}

// knownEndpoint returns the special endpoint host names, or nil.
func knownEndpoint(host string) *endpoint {
	kind := catalog.EndpointKind(host)
	ep, ok := endpoints[kind]
	if !ok {
		return nil
	}
	ep.host, ep.name = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), "."), kind
	return &ep
}

// endpointFindings records which special endpoint the site targets.
func endpointFindings(in Input) []Finding {
	ep := knownEndpoint(in.Host)
	if ep == nil {
		return nil
	}
	return []Finding{{ID: "endpoint-" + ep.name, Severity: SevInfo, Text: ep.host + " is " + ep.about}}
}

// endpointVerdict rewrites v when the endpoint gives the failing reply a
// meaning of its own (FACTS.md has it for HVE, ACS and the legacy-TLS
// endpoint).
func endpointVerdict(v Verdict, f transcript.StageResult, in Input) Verdict {
	ep := knownEndpoint(in.Host)
	if ep == nil || f.Reply == nil {
		return v
	}
	code := strconv.Itoa(f.Reply.Code)
	fd, ok := ep.replies[code+" "+f.Reply.Enhanced]
	if !ok {
		fd, ok = ep.replies[code]
	}
	if !ok {
		return v
	}
	v = refind(v, fd.text)
	v.Category, v.Step, v.Next = fd.cat, fd.step, fd.next
	v.Rule = "endpoint:" + ep.name
	return v
}

// hveEndpoint is High Volume Email, under either of its host names.
func hveEndpoint() endpoint {
	return endpoint{exchange: true,
		about: "Microsoft 365 High Volume Email: HVE accounts (mail users, no licence) send to internal recipients only, port 587 with STARTTLS, LOGIN or XOAUTH2",
		replies: map[string]finding{
			"501 5.5.124": {catalog.AuthCat, 9, "High Volume Email refused the XOAUTH2 data (seen when the token does not belong to the HVE account named in user=)",
				"get the token for the HVE account and put the HVE account's address in username; the app needs the Office 365 Exchange Online permission the HVE OAuth page names"},
			"535": {catalog.AuthCat, 9, "High Volume Email refused the credentials",
				"check the HVE account (Exchange admin center > Mail flow > High volume email): its address as username and its password, or an OAuth token issued for it"},
			"550 5.4.1": {catalog.Recipient, 5, "High Volume Email refused the recipient: HVE delivers to the tenant's own recipients only",
				"send to internal recipients only; for external recipients use Azure Communication Services Email or a relay connector"},
		}}
}
