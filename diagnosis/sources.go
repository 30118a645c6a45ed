package diagnosis

import "github.com/smtpspec/smtpspec/catalog"

// Sources of the diagnosis rules that are not catalog rows (rules.go,
// replies.go, noreply.go, firewall.go, config.go, control.go). Like the
// catalog's, each names the public material FACTS.md cites; the code never
// fetches them. Secondary sources are marked so.
const (
	srcRFC5321      = "RFC 5321 sections 3.8 and 4.2.1 (reply classes; 421 closes the channel)"
	srcRFC3463      = "RFC 3463 section 3 (enhanced status code subjects)"
	srcPostfixRelay = "Postfix postconf(5) reject_unauth_destination and SMTPD_ACCESS_README (\"554 5.7.1 <x>: Relay access denied\"); MS NDR table (5.7.1 Unable to relay)"
	srcChecklist    = "the field troubleshooting checklist (smtpspec DESIGN.md): DNS and TCP, banner and EHLO, STARTTLS, envelope, control, record before changing"
	srcPort25       = "github.com/MicrosoftDocs/OfficeDocs-Exchange/issues/2656 (ISPs block outbound TCP 25); " + catalog.SrcMFP
	srcMTU          = "searchwindowsserver.techtarget.com 'Strange behavior? Check the MTU'; Axway KB 101362 (secondary); Cisco ASA ESMTP inspection guide"
	srcImplicit     = "github.com/mattermost/mattermost/issues/954 (Microsoft employee: STARTTLS only); github.com/wiggin77/mailrelay/issues/4"
	srcTLS12        = catalog.SrcMFP + " (TLS 1.2 and above); MS opt-in legacy TLS endpoint page"
	srcRootG2       = "MS: techcommunity.microsoft.com blog 4488311 (trust DigiCert Global Root G2)"
	srcECDHE        = "MS: technical reference details about encryption (cipher suites); kmeys.com report of Feb 2025 MFP failures (secondary)"
	srcAuthAfterTLS = "github.com/Enough-Software/enough_mail/issues/106 (AUTH only after TLS); github.com/mattermost/mattermost/issues/954"
	srcHELO         = "github.com/simonrob/email-oauth2-proxy/issues/232 (HELO: no extensions, AUTH never offered)"
	srcISP          = "github.com/PHPMailer/PHPMailer/issues/649 (outbound SMTP redirected to the ISP's server)"
)
