package catalog

import "github.com/smtpspec/smtpspec/transcript"

import "github.com/smtpspec/smtpspec/internal/lazyre"

// catalogMore holds the rows of FACTS.md section 0 (updates of
// 2026-12-03) and the replies the explain corpora show that the core
// table lacks. Where Microsoft documents only a code (NDR tables, HVE
// digests), Text is the code alone: the catalog never invents a reply's
// wording, and such rows are Confirmed false.
var catalogMore = []Entry{
	// Tenant-wide external recipient rate limit (TERRL), NDR table revised
	// 7 Jan 2026; the in-session reply and its stage are UNCONFIRMED.
	{ID: "tenant-external-limit-trial", Code: 550, Enhanced: "5.7.232", Text: "5.7.232",
		Stage: transcript.Rcpt, Category: Policy, Step: 5,
		Finding: "the tenant (a trial tenant) likely exceeded its daily limit of external recipients (tenant external recipient rate limit)",
		Next:    "wait for the 24-hour window to pass and find what sends so much to external recipients; a trial tenant's limit is lower than a paid one's",
		Source:  SrcNDR + " (revised 7 Jan 2026, SupportArticles-docs ae5c3e0; wording and stage UNCONFIRMED)", Learn: LearnLimits},
	{ID: "tenant-external-limit", Code: 550, Enhanced: "5.7.233", Text: "5.7.233",
		Stage: transcript.Rcpt, Category: Policy, Step: 5,
		Finding: "the tenant likely exceeded its daily limit of external recipients (tenant external recipient rate limit)",
		Next:    "wait for the 24-hour window to pass and find what sends so much to external recipients (a runaway device or a compromised account)",
		Source:  SrcNDR + " (revised 7 Jan 2026, SupportArticles-docs ae5c3e0; wording and stage UNCONFIRMED)", Learn: LearnLimits},

	// Out-of-date on-premises Exchange relaying into Exchange Online (a
	// hybrid site's printer relaying through its Exchange server); MS blog
	// Dec 2023. Stage UNCONFIRMED.
	{ID: "onprem-outdated-throttled", Code: 450, Enhanced: "4.7.230",
		Text:    "4.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online throttled",
		Pattern: lazyre.New(`(?i)out-of-date`), Stage: transcript.Mail, Category: Policy, Step: 5,
		Finding: "Exchange Online throttles mail from the site's on-premises Exchange server because its version is out of date (the printer relays through it)",
		Next:    "update the on-premises Exchange server; to pause the enforcement meanwhile: New-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer",
		Source:  "MS Exchange Team blog, Dec 2023 (transport-based enforcement for out-of-date Exchange servers); stage UNCONFIRMED", Confirmed: true, Telling: true, Learn: LearnNDR},
	{ID: "onprem-outdated-blocked", Code: 550, Enhanced: "5.7.230",
		Text:    "5.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online blocked",
		Pattern: lazyre.New(`(?i)out-of-date`), Stage: transcript.Mail, Category: Policy, Step: 5,
		Finding: "Exchange Online likely blocks mail from the site's on-premises Exchange server because its version is out of date (the printer relays through it)",
		Next:    "update the on-premises Exchange server; to pause the enforcement meanwhile: New-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer",
		Source:  "MS Exchange Team blog, Dec 2023 (\"550 5.7.230 ... blocked\"; the words between are UNCONFIRMED)", Learn: LearnNDR},

	// High Volume Email (FACTS.md section 0): codes from second-hand
	// digests of MS Learn "oauth-high-volume-mails-m365"; texts UNCONFIRMED.
	{ID: "hve-xoauth2-invalid", Code: 501, Text: "5.5.121",
		Pattern: lazyre.New(`^5\.5\.12[1-356]\b`), Stage: transcript.Auth, Category: AuthCat, Step: 9,
		Finding: "the XOAUTH2 data was likely refused as invalid (High Volume Email codes 5.5.121-5.5.126, 5.5.124 aside: malformed string, wrong user, wrong audience)",
		Next:    "rebuild the XOAUTH2 string for the HVE account (user= the HVE address, a token for https://outlook.office365.com)",
		Source:  "MS Learn oauth-high-volume-mails-m365 via second-hand digests (FACTS.md section 0; texts UNCONFIRMED)", Learn: LearnHVE},
	{ID: "hve-token-expiring", Code: 535, Enhanced: "5.7.142", Text: "5.7.142",
		Stage: transcript.Auth, Category: AuthCat, Step: 9,
		Finding: "the OAuth token was likely refused as about to expire (High Volume Email)",
		Next:    "request a fresh token before each session", Source: "MS Learn oauth-high-volume-mails-m365 via digests (FACTS.md section 0; UNCONFIRMED)", Learn: LearnHVE},
	{ID: "hve-token-expired", Code: 535, Enhanced: "5.7.143", Text: "5.7.143",
		Stage: transcript.Auth, Category: AuthCat, Step: 9,
		Finding: "the OAuth token was likely refused as expired (High Volume Email)",
		Next:    "request a fresh token; check the device's clock", Source: "MS Learn oauth-high-volume-mails-m365 via digests (FACTS.md section 0; UNCONFIRMED)", Learn: LearnHVE},
	{ID: "hve-token-permissions", Code: 535, Enhanced: "5.7.144", Text: "5.7.144",
		Stage: transcript.Auth, Category: AuthCat, Step: 9,
		Finding: "the OAuth token likely lacks the permission High Volume Email needs",
		Next:    "grant the app the permission the HVE OAuth page names and get a new token", Source: "MS Learn oauth-high-volume-mails-m365 via digests (FACTS.md section 0; UNCONFIRMED)", Learn: LearnHVE},
	{ID: "hve-app-not-allowed", Code: 550, Enhanced: "5.7.240", Text: "5.7.240",
		Stage: transcript.Auth, Category: AuthCat, Step: 9,
		Finding: "the app is likely not on the HVE account's Allowed Apps list",
		Next:    "Add-HVEAppAccess for the app (at most 10 apps per account)", Source: "MS Learn oauth-high-volume-mails-m365 via digests (FACTS.md section 0; UNCONFIRMED)", Learn: LearnHVE},
	{ID: "hve-external-not-supported", Code: 550, Enhanced: "5.5.105", Text: "5.5.105",
		Stage: transcript.Rcpt, Category: Policy, Step: 5,
		Finding: "High Volume Email likely refused an external recipient: HVE delivers to the tenant's own recipients only",
		Next:    "send to internal recipients only; for external ones use Azure Communication Services Email or a relay connector", Source: "MS Learn oauth-high-volume-mails-m365 via digests (FACTS.md section 0; UNCONFIRMED)", Learn: LearnHVE},

	// Outbound MTA-STS and DANE (MS NDR table, 2024; connector modes, MS
	// blog 4501005): a relay to an external domain whose policy the
	// receiving side's TLS does not meet. Wording and stage UNCONFIRMED.
	{ID: "mta-sts-failed", Code: 451, Enhanced: "4.4.8", Text: "4.4.8",
		Stage: transcript.Rcpt, Category: TLSCat, Step: 4,
		Finding: "Exchange Online likely could not deliver over TLS as the recipient domain's MTA-STS policy demands",
		Next:    "the recipient domain's MTA-STS policy or its servers' certificates are at fault; tell its administrator, or set the connector's -MtaStsMode while it is fixed",
		Source:  SrcNDR + " (2024: 4.4.8, 4.7.5 MTA-STS); MS blog 4501005 (connector modes); UNCONFIRMED wording", Learn: LearnNDR},
	{ID: "mta-sts-cert", Code: 451, Enhanced: "4.7.5", Text: "4.7.5",
		Stage: transcript.Rcpt, Category: TLSCat, Step: 4,
		Finding: "Exchange Online likely found the recipient server's certificate invalid for its MTA-STS policy",
		Next:    "tell the recipient domain's administrator; its MX certificates must match its MTA-STS policy",
		Source:  SrcNDR + " (2024, MTA-STS); UNCONFIRMED wording", Learn: LearnNDR},
	{ID: "dane-failed", Code: 550, Text: "5.7.321",
		Pattern: lazyre.New(`^[45]\.7\.32[1-5]\b`), Stage: transcript.Rcpt, Category: TLSCat, Step: 4,
		Finding: "Exchange Online likely refused to deliver because DANE validation of the recipient's servers failed (4.7.321-4.7.325, 5.7.321-5.7.325: TLSA records, certificate or TLS)",
		Next:    "tell the recipient domain's administrator (its TLSA records or certificates do not match); -SmtpDaneMode on the connector sets how strictly Exchange Online enforces DANE",
		Source:  SrcNDR + " (2024: 4.7.321-4.7.325 DANE); MS blog 4501005; UNCONFIRMED wording", Learn: LearnNDR},

	// Consumer Outlook.com (FACTS.md section 0; secondary): high-volume
	// senders failing SPF/DKIM/DMARC, from 5 May 2025.
	{ID: "outlook-auth-level", Code: 550, Enhanced: "5.7.515",
		Text:    "5.7.515 Access denied, sending domain <DOMAIN> doesn't meet the required authentication level.",
		Pattern: lazyre.New(`(?i)required authentication level`), Stage: transcript.Data, Category: Policy, Step: 5,
		Finding: "Outlook.com refuses the message: the sending domain does not pass the SPF, DKIM and DMARC checks it demands of high-volume senders",
		Next:    "publish SPF and DKIM for the sending domain and a DMARC record (at least p=none) aligned with them",
		Source:  "github.com/fm/smtp-codes/pull/7 (secondary, 5 May 2025)", Confirmed: true, Telling: true, Learn: LearnNDR},
	// DMARC reject (sympa-community/sympa#1843, "in reply to end of DATA").
	{ID: "dmarc-reject", Code: 550, Enhanced: "5.7.509",
		Text:    "5.7.509 Access denied, sending domain <DOMAIN> does not pass DMARC verification and has a DMARC policy of reject. [<HOST> <TS> <TOKEN>]",
		Pattern: lazyre.New(`(?i)does not pass DMARC`), Stage: transcript.Data, Category: Policy, Step: 5,
		Finding: "the receiving tenant refuses the message: the sending domain fails DMARC and publishes p=reject",
		Next:    "align SPF or DKIM with the From domain (add the device's or relay's IP to SPF, sign with DKIM); the envelope sender and the From header must belong to the domain",
		Source:  "github.com/sympa-community/sympa/issues/1843; " + SrcNDR, Confirmed: true, Telling: true, Learn: LearnNDR},
	// Outlook.com/EOP rate limiting of an IP with poor reputation
	// (sendgrid/docs#6275, Mailu/Mailu#3013: "in reply to RCPT TO").
	{ID: "ip-reputation-ratelimit", Code: 451,
		Text:    "4.7.651 The mail server [<IP>] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S844) [<HOST>]",
		Pattern: lazyre.New(`(?i)rate limited due to IP reputation`), Stage: transcript.Rcpt, Category: Reputation, Step: 7,
		Finding: "the sending IP is rate limited for its poor reputation (Outlook.com / Exchange Online Protection)",
		Next:    "slow down and retry later; find why the IP's reputation is poor (shared or new IP, spam from the network); use a relay or submission with a clean IP",
		Source:  "github.com/sendgrid/docs/issues/6275; github.com/Mailu/Mailu/issues/3013", Confirmed: true, Telling: true, Learn: LearnDelist},
	// A receiving tenant that requires TLS (a connector with RequireTls)
	// and a sender that did not start it (catatnight/docker-postfix#12,
	// "in reply to RCPT TO").
	{ID: "tls-required-inbound", Code: 454, Enhanced: "4.7.0",
		Text:    "4.7.0 Failed to establish appropriate TLS channel: Access Denied",
		Pattern: lazyre.New(`(?i)Failed to establish appropriate TLS channel`), Stage: transcript.Rcpt, Category: TLSCat, Step: 4,
		Finding: "the receiving tenant requires TLS from this sender (a connector that requires TLS) and the session was not encrypted",
		Next:    "make the sending server use STARTTLS (Postfix: smtp_tls_security_level = may or encrypt) with TLS 1.2 or later",
		Source:  "github.com/catatnight/docker-postfix/issues/12", Confirmed: true, Telling: true, Learn: LearnMFP},
	// Too many simultaneous sessions for one mailbox (nodemailer#1613,
	// "Message failed: 432 4.3.2 Concurrent connections limit exceeded").
	{ID: "concurrent-connections", Code: 432, Enhanced: "4.3.2",
		Text:    "4.3.2 Concurrent connections limit exceeded.",
		Pattern: lazyre.New(`(?i)Concurrent connections limit`), Stage: transcript.Data, Category: Policy, Step: 5,
		Finding: "the mailbox has too many SMTP sessions open at once (Exchange Online limits concurrent connections per mailbox)",
		Next:    "send over one connection (or a small pool) and close sessions after use; wait for the open ones to time out",
		Source:  "github.com/nodemailer/nodemailer/issues/1613; " + SrcNDR, Confirmed: true, Telling: true, Learn: LearnLimits},
	// The same per-mailbox limit as the store words it: too many
	// submissions at once for one sender (timeoff-management#308,
	// "Message failed: 432 4.3.2 STOREDRV.ClientSubmit; sender thread
	// limit exceeded" after the message data).
	{ID: "sender-thread-limit", Code: 432, Enhanced: "4.3.2",
		Text:    "4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=<HOST>]",
		Pattern: lazyre.New(`(?i)sender thread limit`), Stage: transcript.Data, Category: Policy, Step: 5,
		Finding: "the mailbox is submitting too many messages at once (Exchange Online limits concurrent submissions per sender)",
		Next:    "send one message at a time over one connection (or a small pool), and retry the refused ones later",
		Source:  "github.com/timeoff-management/timeoff-management-application/issues/308; " + SrcNDR, Confirmed: true, Telling: true, Learn: LearnLimits},
	// A consumer Outlook.com account held for suspected spam or not yet
	// verified (Youans/nodejs-nodemailer-outlook#11, nodemailer#1486).
	{ID: "outbound-spam-held", Code: 554, Enhanced: "5.2.0",
		Text:    "5.2.0 STOREDRV.Submission.Exception:OutboundSpamException; Failed to process message due to a permanent exception with message WASCL UserAction verdict is not None. Actual verdict is RefuseQuota, ShowTierUpgrade.",
		Pattern: lazyre.New(`OutboundSpamException|WASCL UserAction`), Stage: transcript.Data, Category: Policy, Step: 9,
		Finding: "Outlook.com holds the sending account for suspected spam or because it is not verified: the account, not the device, must be cleared",
		Next:    "sign in to the account on the web, complete the verification it asks for, and send less; a business device should send through a Microsoft 365 mailbox rather than a consumer account",
		Source:  "github.com/Youans/nodejs-nodemailer-outlook/issues/11; github.com/nodemailer/nodemailer/issues/1486", Confirmed: true, Telling: true, Learn: LearnNDR},
	// External forwarding blocked by the outbound spam policy (NDR;
	// MicrosoftDocs/microsoft-365-docs#3648).
	{ID: "external-forwarding-blocked", Code: 550, Enhanced: "5.7.520",
		Text:    "5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555)",
		Pattern: lazyre.New(`(?i)does not allow external forwarding`), Stage: transcript.Data, Category: Policy, Step: 5,
		Finding: "the tenant's outbound spam policy blocks automatic forwarding to external recipients",
		Next:    "allow automatic forwarding for this mailbox in the outbound spam policy (or a custom policy for it), or forward within the tenant",
		Source:  "github.com/MicrosoftDocs/microsoft-365-docs/issues/3648; " + SrcNDR, Confirmed: true, Telling: true, Learn: LearnNDR},
	// The older Exchange wording of SendAs at MAIL FROM.
	{ID: "sendas-denied-571", Code: 550, Enhanced: "5.7.1",
		Text:    "5.7.1 Client does not have permissions to send as this sender",
		Pattern: lazyre.New(`(?i)permissions? to send as`), Stage: transcript.Mail, Category: Policy, Step: 9,
		Finding: "the authenticated mailbox may not send as the MAIL FROM/From address",
		Next:    "send from the authenticated mailbox's own address, grant Send As on that address, or use a relay connector",
		Source:  SrcFixIssues, Confirmed: true, Telling: true, Learn: LearnFixIssues},
	// RESOLVER.ADR.RecipientNotFound (NDR table: 5.1.10).
	{ID: "recipient-not-found", Code: 550, Enhanced: "5.1.10",
		Text:    "5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
		Pattern: lazyre.New(`(?i)RecipientNotFound|Recipient not found`), Stage: transcript.Rcpt, Category: Recipient, Step: 5,
		Finding: "the recipient does not exist in the receiving tenant",
		Next:    "check the recipient address for typos, and that the mailbox or contact exists", Source: SrcNDR, Confirmed: true, Telling: true, Learn: LearnNDR},
	// RESOLVER.RST.SendSizeLimit (NDR table: 5.2.3).
	{ID: "send-size-limit", Code: 550, Enhanced: "5.2.3",
		Text:    "5.2.3 RESOLVER.RST.SendSizeLimit.Sender; message too large for this sender",
		Pattern: lazyre.New(`(?i)SendSizeLimit|too large`), Stage: transcript.Data, Category: Policy, Step: 5,
		Finding: "the message is larger than the sender's maximum send size",
		Next:    "scan at a lower resolution or raise the mailbox's MaxSendSize (up to 150 MB)", Source: SrcNDR, Confirmed: true, Learn: LearnLimits},

	// A command sent before EHLO (nette/mail sent STARTTLS first):
	// Exchange Online Protection's answer, seen in a library's exception.
	{ID: "hello-first", Code: 503, Enhanced: "5.5.2", Text: "5.5.2 Send hello first [<HOST>]",
		Pattern: lazyre.New(`(?i)Send hello first`), Stage: transcript.EHLO, Category: Config, Step: 3,
		Finding: "the client sent a command before EHLO (STARTTLS, AUTH or MAIL FROM first): its SMTP sequence is wrong, a client bug or setting, not the server",
		Next:    "update or configure the client so it says EHLO first, then STARTTLS, EHLO again, AUTH and MAIL FROM",
		Source:  "github.com/nette/mail/issues/71 (503 5.5.2 from *.eop-EUR03.prod.protection.outlook.com to STARTTLS before EHLO); RFC 5321 section 4.1.4", Confirmed: true, Telling: true, Learn: LearnMFP},
	// Exchange Online refusing a message whose MIME structure breaks its
	// limits (a 33 KB Autocrypt header line, answered to BDAT ... LAST).
	{ID: "invalid-mime", Code: 554, Enhanced: "5.6.211",
		Text:    "5.6.211 Invalid MIME Content: Single text value size (33061) exceeded allowed maximum (32768) for the 'Autocrypt' header. [<HOST> <TS> <TOKEN>]",
		Pattern: lazyre.New(`(?i)Invalid MIME Content`), Stage: transcript.Data, Category: Policy, Step: 5,
		Finding: "Exchange Online refused the message's MIME content: a header or part breaks its limits (a header value over 32 KB, a malformed part)",
		Next:    "find what writes the oversized header or malformed part (a mail client's Autocrypt header, the device's MIME encoder) and fix or strip it, then send again",
		Source:  "github.com/stalwartlabs/smtp-server/issues/26 (554 5.6.211 from *.prod.protection.outlook.com to BDAT ... LAST)", Confirmed: true, Telling: true, Learn: LearnLimits},
	// Outlook.com (consumer) refusing an address that does not exist,
	// with RFC 5321's wording for 550.
	{ID: "mailbox-unavailable-consumer", Code: 550, Enhanced: "5.5.0",
		Text:    "5.5.0 Requested action not taken: mailbox unavailable (S2017062302)",
		Pattern: lazyre.New(`(?i)Requested action not taken: mailbox unavailable`), Stage: transcript.Rcpt, Category: Recipient, Step: 5,
		Finding: "the recipient mailbox does not exist (Outlook.com/Hotmail refuses the address, much as Exchange Online's 5.1.10)",
		Next:    "check the recipient address for typos; a consumer address that was never created or was closed cannot receive mail",
		Source:  "github.com/MicrosoftDocs/OfficeDocs-Exchange/issues/2836 (NDR 550 5.5.0 for unused *@hotmail.com / *@outlook.com addresses); RFC 5321 section 4.2.2", Confirmed: true, Telling: true, Learn: LearnNDR},
}
