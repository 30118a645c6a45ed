package catalog

// Microsoft documentation that verdicts cite for readers ("learn more"):
// one page per finding, Microsoft-authored only (FACTS.md names each);
// forum threads stay in Source and in code comments.
const (
	LearnSMTPAuth   = "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission"
	LearnMFP        = "https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365"
	LearnFixIssues  = "https://learn.microsoft.com/exchange/mail-flow-best-practices/fix-issues-with-printers-scanners-and-lob-applications-that-send-email-using-off"
	LearnNDR        = "https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online"
	LearnOAuth      = "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth"
	LearnThrottling = "https://learn.microsoft.com/exchange/mail-flow-best-practices/continuous-error-throttling-smtp-auth-submissions"
	LearnLegacyTLS  = "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/opt-in-exchange-online-endpoint-for-legacy-TLS-using-SMTP-AUTH"
	LearnRelay      = "https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/relay-access-denied-smtp"
	LearnLimits     = "https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits"
	LearnHVE        = "https://learn.microsoft.com/exchange/mail-flow-best-practices/oauth-high-volume-mails-m365"
	LearnBasicAuth  = "https://techcommunity.microsoft.com/blog/exchange/updated-exchange-online-smtp-auth-basic-authentication-deprecation-timeline/4489835"
	LearnDirectSend = "https://techcommunity.microsoft.com/blog/exchange/introducing-more-control-over-direct-send-in-exchange-online/4408790"
	LearnRootG2     = "https://techcommunity.microsoft.com/blog/exchange/trust-digicert-global-root-g2-certificate-authority-to-avoid-exchange-online-ema/4488311"
	LearnTLSAgree   = "https://techcommunity.microsoft.com/blog/exchange/understanding-email-scenarios-if-tls-versions-cannot-be-agreed-on-with-exchange-/2065089"
	LearnTrace      = "https://learn.microsoft.com/exchange/monitoring/trace-an-email-message/new-message-trace"
)

// Pages for single catalog rows.
const (
	LearnDelist = "https://learn.microsoft.com/defender-office-365/use-the-delist-portal-to-remove-yourself-from-the-office-365-blocked-senders-lis"
	LearnMFI    = "https://learn.microsoft.com/defender-office-365/connectors-mail-flow-intelligence"
	Learn700    = "https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-7-700-through-5-7-750"
)
