package catalog

import "strings"

// Microsoft 365's SMTP host names, as the diagnosis, the judge of resolve
// and explain read them.

// MicrosoftHost reports a Microsoft 365 SMTP host name: the submission
// endpoints (*.office365.com, FACTS.md 1.1, 1.5), a tenant MX
// (*.mail.protection.outlook.com, FACTS.md 1.2) or a host under
// mx.microsoft (new domains' MX and the HVE endpoint, FACTS.md 0), and
// Microsoft's consumer mail hosts beside them (smtp-mail.outlook.com,
// Outlook.com's MX under olc.protection.outlook.com, the older
// smtp.live.com), which answer with the same Exchange banners: a device
// pointed at one of them that meets another server's greeting is
// intercepted as surely.
func MicrosoftHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	for _, d := range []string{"office365.com", "outlook.com", "mx.microsoft", "smtp.live.com"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

// MicrosoftMX reports a Microsoft 365 MX host: worldwide, 21Vianet,
// GCC High and DoD (mail.protection.outlook.com and its sovereign twins),
// and *.mx.microsoft, the MX hosts of domains added after 1 July 2026
// (FACTS.md section 0, MC1048624). The High Volume Email submission host
// under mx.microsoft is not an MX.
func MicrosoftMX(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(host), "."))
	if h == HVEHost {
		return false
	}
	for _, suffix := range []string{".mail.protection.outlook.com", ".mail.protection.partner.outlook.cn", ".mail.protection.office365.us", ".mail.protection.outlook.de", ".mx.microsoft"} {
		if strings.HasSuffix(h, suffix) {
			return true
		}
	}
	return false
}

// MXPatterns names the Microsoft 365 MX hosts for messages.
const MXPatterns = "*.mail.protection.outlook.com or *.mx.microsoft"

// HVEHost is High Volume Email's endpoint under mx.microsoft; FACTS.md 0
// calls smtp-hve.office365.com deprecated (UNCONFIRMED), so both are known.
const HVEHost = "smtp.hve.mx.microsoft"

// HVEHostOld is the High Volume Email name FACTS.md section 0 calls
// deprecated (third-party, UNCONFIRMED).
const HVEHostOld = "smtp-hve.office365.com"

// ACSHost is Azure Communication Services Email's SMTP endpoint (FACTS.md
// 4.5): its password is an Entra ID client secret, not basic auth.
const ACSHost = "smtp.azurecomm.net"

// The Microsoft SMTP endpoints other than smtp.office365.com and the
// tenant MX (FACTS.md 1.5, 4.4, 4.5), by EndpointKind's short names.
const (
	EndpointHVE    = "hve"    // High Volume Email
	EndpointACS    = "acs"    // Azure Communication Services Email
	EndpointLegacy = "legacy" // Exchange Online's opt-in endpoint for TLS 1.0/1.1
)

var endpointHosts = map[string]string{
	HVEHost:                     EndpointHVE,
	HVEHostOld:                  EndpointHVE,
	ACSHost:                     EndpointACS,
	"smtp-legacy.office365.com": EndpointLegacy,
}

// EndpointKind names the special Microsoft endpoint host is (EndpointHVE,
// EndpointACS, EndpointLegacy), or "" for smtp.office365.com, a tenant MX
// and any other host.
func EndpointKind(host string) string {
	return endpointHosts[strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")]
}
