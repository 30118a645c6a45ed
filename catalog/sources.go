package catalog

// Sources, named once. Each is the public material FACTS.md cites for the
// row (shared/m365/FACTS.md, "Reply catalog"); the URLs are for readers,
// the code never fetches them.
const (
	SrcFixIssues    = "MS: learn.microsoft.com/exchange/mail-flow-best-practices/fix-issues-with-printers-scanners-and-lob-applications-that-send-email-using-off"
	SrcMFP          = "MS: learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365"
	SrcOAuth        = "MS: learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth"
	SrcMFI          = "MS: learn.microsoft.com/defender-office-365/connectors-mail-flow-intelligence"
	SrcNDR          = "MS: learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online"
	SrcBasicRetire  = "MS: techcommunity.microsoft.com blog 4114750 (basic auth retirement for Client Submission) and 4489835 (updated timeline)"
	SrcContinuous   = "MS: learn.microsoft.com/exchange/mail-flow-best-practices/continuous-error-throttling-smtp-auth-submissions"
	SrcDelist       = "MS: use-the-delist-portal-to-remove-yourself-from-the-office-365-blocked-senders-list; github.com/JamBrain/JamBrain/issues/271"
	SrcCiscoESA     = "Cisco ESA doc 118550; Cisco ASA ESMTP inspection guide (inspect esmtp, no allow-tls)"
	SrcMaskBanner   = "MS KB 320027; AppRiver KB a238 (Cisco PIX/ASA Mailguard)"
	SrcAuthSettings = "MS: learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission; " + SrcBasicRetire
)
