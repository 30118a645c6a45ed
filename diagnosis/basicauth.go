package diagnosis

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// BasicAuthRetirement is the finding ID for a site that authenticates to
// Exchange Online with a password: Microsoft disables SMTP AUTH basic
// authentication by default for existing tenants at the end of December
// 2026, and new tenants created after that do not have it (FACTS.md 4.1,
// MS blog 4489835, updated January 2026).
const BasicAuthRetirement = "basic-auth-retirement"

// basicAuthAlternatives are the ways off a password, as a finding's next
// step; report.WriteBasicAuthSection says the same in Markdown, both with
// the hosts of package catalog. High Volume Email's endpoint is
// smtp.hve.mx.microsoft, smtp-hve.office365.com deprecated (FACTS.md §0,
// third-party, both accepted).
const basicAuthAlternatives = "move the device to OAuth: auth { mechanism = \"XOAUTH2\" oauth { tenant_id, client_id, client_secret = env(...) } } proves the path before the switch; " +
	"a device that cannot do OAuth can use High Volume Email (" + catalog.HVEHost + ", formerly " + catalog.HVEHostOld + "; internal recipients only), Azure Communication Services Email (" + catalog.ACSHost + "), " +
	"or a relay connector that accepts it by certificate or static IP (method = \"relay\"); an admin can re-enable basic auth for a while, not for good"

// basicAuthFindings warns a site that sends a password to Exchange Online.
// Azure Communication Services is not Exchange Online: its password is an
// Entra ID client secret, not affected by the retirement.
func basicAuthFindings(t *transcript.Transcript, in Input) []Finding {
	mech := transcript.Mechanism(strings.ToUpper(string(in.Creds.Mechanism)))
	if !in.Plan.Auth || !mech.Basic() {
		return nil
	}
	ep := knownEndpoint(in.Host)
	if ep != nil && !ep.exchange {
		return nil
	}
	if ep == nil && !catalog.MicrosoftHost(in.Host) && !catalog.MicrosoftBanner(t) {
		return nil // not Microsoft 365: no retirement date applies
	}
	text := "this site authenticates to Exchange Online with a password (AUTH " + string(mech) + "): SMTP AUTH basic authentication becomes disabled by default for existing tenants at the end of December 2026, and this path stops working then"
	if ep != nil && ep.name == catalog.EndpointHVE {
		text += " (for High Volume Email, basic auth is reported to last until 2028: unconfirmed by Microsoft)"
	}
	return []Finding{{BasicAuthRetirement, SevWarning, text, basicAuthAlternatives}}
}
