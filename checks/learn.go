package checks

import "strings"

// Microsoft documentation that verdicts cite for readers ("learn more"):
// one page per finding, Microsoft-authored only (FACTS.md names each);
// forum threads stay in Source and in code comments.
const (
	learnSMTPAuth   = "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission"
	learnMFP        = "https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365"
	learnFixIssues  = "https://learn.microsoft.com/exchange/mail-flow-best-practices/fix-issues-with-printers-scanners-and-lob-applications-that-send-email-using-off"
	learnNDR        = "https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online"
	learnOAuth      = "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth"
	learnThrottling = "https://learn.microsoft.com/exchange/mail-flow-best-practices/continuous-error-throttling-smtp-auth-submissions"
	learnLegacyTLS  = "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/opt-in-exchange-online-endpoint-for-legacy-TLS-using-SMTP-AUTH"
	learnRelay      = "https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/relay-access-denied-smtp"
	learnLimits     = "https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits"
	learnHVE        = "https://learn.microsoft.com/exchange/mail-flow-best-practices/oauth-high-volume-mails-m365"
	learnBasicAuth  = "https://techcommunity.microsoft.com/blog/exchange/updated-exchange-online-smtp-auth-basic-authentication-deprecation-timeline/4489835"
	learnDirectSend = "https://techcommunity.microsoft.com/blog/exchange/introducing-more-control-over-direct-send-in-exchange-online/4408790"
	learnRootG2     = "https://techcommunity.microsoft.com/blog/exchange/trust-digicert-global-root-g2-certificate-authority-to-avoid-exchange-online-ema/4488311"
	learnTLSAgree   = "https://techcommunity.microsoft.com/blog/exchange/understanding-email-scenarios-if-tls-versions-cannot-be-agreed-on-with-exchange-/2065089"
	learnTrace      = "https://learn.microsoft.com/exchange/monitoring/trace-an-email-message/new-message-trace"
)

// learnByCategory is the page for a finding without its own.
var learnByCategory = map[Category]string{
	Network:    learnMFP,
	Firewall:   learnFixIssues,
	TLSCat:     learnMFP,
	AuthCat:    learnSMTPAuth,
	Reputation: learnFixIssues,
	Policy:     learnNDR,
	Recipient:  learnNDR,
	Service:    learnFixIssues,
	Config:     learnMFP,
}

// learnByRule names pages for rules (rules.go, replies.go, noreply.go,
// firewall.go, config.go) that have a better one than their category's.
var learnByRule = map[string]string{
	"auth-before-starttls": learnSMTPAuth,
	"auth-not-offered":     learnSMTPAuth,
	"relay-refused":        learnRelay,
	"tls-version":          learnLegacyTLS,
	"cert-authority":       learnRootG2,
	"cert-expired":         learnRootG2,
	"cert-unverified":      learnRootG2,
	"tls-failed":           learnTLSAgree,
	"tls-cut":              learnTLSAgree,
}

// LearnFor is the page for verdict v: its catalog row's, its rule's, else
// its category's ("" for ok).
func LearnFor(v Verdict) string {
	if v.Category == OK || v.Category == "" {
		return ""
	}
	if id, ok := strings.CutPrefix(v.Rule, "catalog:"); ok {
		if e := Lookup(id); e != nil && e.Learn != "" {
			return e.Learn
		}
	}
	if u, ok := learnByRule[v.Rule]; ok {
		return u
	}
	if strings.HasPrefix(v.Rule, "endpoint:hve") {
		return learnHVE
	}
	return learnByCategory[v.Category]
}

// Pages for single catalog rows.
const (
	learnDelist = "https://learn.microsoft.com/defender-office-365/use-the-delist-portal-to-remove-yourself-from-the-office-365-blocked-senders-lis"
	learn700    = "https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-7-700-through-5-7-750"
)
