package explain

import (
	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// ndrWords are the sentences of Exchange Online's and Outlook.com's
// non-delivery reports and sender-support replies that carry the reason
// without a code, mapped to the catalog row of that reason. Sources: MS
// Learn "Email non-delivery reports in Exchange Online" (NDR table and
// the NDR's fields: "Your message to X couldn't be delivered", the banner
// "Unknown To address", "X wasn't found at Y"), the per-code pages
// (5.1.10, 5.7.133, 4.4.7), "Use the delist portal to remove yourself
// from the blocked senders list" (sender.office.com), the sending limits
// of "Exchange Online limits"; the NDRs quoted in real issues
// (bwya77/O365-Admin-Center#12, Xilinx/embeddedsw#176,
// forwardemail/free-email-forwarding#142, nprapps/lookatthis#406,
// openaustralia/planningalerts#1573, mailcow#374).
var ndrWords = []wordRule{
	// 5.1.10 / 5.1.1: the recipient does not exist at the destination.
	{id: "ndr:recipient-not-found", level: notice, kind: transcript.KindProtocol, stage: transcript.Rcpt, row: "recipient-not-found",
		keys: lex.add("wasn't found at", "was not found at", "unknown to address", "couldn't be found", "could not be found", "may not exist", "recipient not found", "address not found", "recipnotfound", "nicht gefunden", "introuvable", "no se encontr", "non è stato trovato", "niet gevonden", "não foi encontrad", "user unknown", "no such user"),
		re:   lazyre.OnDemand(`(?i)\S+ (?:wasn't|was not) found at \S+|Unknown To address|(?:e-?mail )?address (?:you entered )?(?:couldn't|could not) be found|address may be misspelled or may not exist|recipient (?:address )?not found|\baddress not found|RecipNotFound|wurde (?:bei|in|unter) \S+ nicht gefunden|est introuvable|no se encontró en|non è stato trovato|is niet gevonden op|não foi encontrad[oa] em|\buser unknown\b|\bno such user\b`)},
	// The recipient's mailbox is full: the NDR's sentence (Outlook and
	// Exchange print it in the sender's language, often beside English).
	// RFC 3463 X.2.2 "mailbox full"; FACTS.md 8 marks Exchange Online's
	// recipient-full reply text UNCONFIRMED, so the finding is explain's
	// own and names no code.
	{id: "ndr:mailbox-full", level: notice, kind: transcript.KindProtocol, stage: transcript.Rcpt, find: &mailboxFull,
		keys: lex.add("mailbox is full", "mailbox full", "ist voll", "est pleine", "está lleno", "è piena", "is vol", "está cheia", "jest pełna", "メールボックスがいっぱい", "邮箱已满"),
		re:   lazyre.OnDemand(`(?i)(?:recipient's |recipient |destination )?mailbox (?:is )?full|(?:Post|Empfänger)fach (?:des Empfängers )?ist voll|bo[iî]te aux lettres (?:du destinataire )?est pleine|buz[oó]n (?:del destinatario )?est[aá] lleno|casella (?:di posta )?(?:del destinatario )?[eè] piena|postvak (?:van de ontvanger )?is vol|caixa (?:de correio )?(?:do destinatário )?est[aá] cheia|skrzynka (?:odbiorcy )?jest pełna|メールボックスがいっぱい|邮箱已满`)},
	// 5.7.139's sentence as clients and people shorten it ("SMTPclient is
	// disabled for the tenant", "SMTP AUTH is disabled for the tenant"),
	// and Get-TransportConfig's "SmtpClientAuthenticationDisabled : True":
	// the tenant turned SMTP AUTH off (FACTS.md 3.1).
	{id: "ndr:smtp-auth-tenant-disabled", level: notice, kind: transcript.KindProtocol, stage: transcript.Auth, row: "auth-tenant-disabled",
		keys: lex.add("disabled for the tenant", "disabled for this tenant", "disabled for your tenant", "smtpclientauthenticationdisabled"),
		re:   lazyre.OnDemand(`(?i)\bSMTP ?(?:client|AUTH)\w*(?: authentication)? (?:is )?disabled for (?:the|this|your) tenant|\bSmtpClientAuthenticationDisabled\s*:\s*True\b`)},
	// A message over the server's size limit, as libraries pass the
	// reply's words on (Postfix's "552 5.3.4 Message size exceeds fixed
	// limit", RFC 5321 section 4.5.3.1.10's "message size exceeds fixed
	// maximum message size", Exchange's "exceeds the maximum size").
	{id: "ndr:message-too-large", level: notice, kind: transcript.KindProtocol, stage: transcript.Data, find: &tooLarge,
		keys: lex.add("size exceeds", "too large", "too big", "exceeds the maximum", "exceeds maximum"),
		re:   lazyre.OnDemand(`(?i)\bmessage size exceeds\b|\bmessage (?:is )?too (?:large|big)\b|\bexceeds (?:the )?maximum (?:message )?size\b|\bsize exceeds (?:the )?(?:fixed|maximum)`)},
	// Every recipient refused (nodemailer's "Can't send mail - all
	// recipients were rejected", mail clients' "all recipient addresses
	// rejected"): the server's answers to RCPT TO.
	{id: "ndr:all-recipients-rejected", level: notice, kind: transcript.KindProtocol, stage: transcript.Rcpt, find: &allRecipientsRejected,
		keys: lex.add("recipients were rejected", "recipient addresses rejected", "recipients rejected", "recipients refused"),
		re:   lazyre.OnDemand(`(?i)\ball (?:the )?recipients? (?:addresses )?(?:were |was |are )?(?:rejected|refused)\b`)},
	// Exchange Online's NDR when the destination refused the message
	// ("Your message wasn't delivered because the recipient's email
	// provider rejected it"): the receiving side's policy or its verdict
	// on the sender (spam, reputation); which one is in the NDR's
	// diagnostic block, not shown.
	{id: "ndr:provider-rejected", level: notice, kind: transcript.KindProtocol, find: &providerRejected,
		keys: lex.add("email provider rejected it"),
		re:   lazyre.OnDemand(`(?i)recipient's (?:email|e-mail|mail) provider rejected it`)},
	// Exchange Online's 5.6.11 NDR: the message holds bare line feeds (LF
	// without CR, RFC 5321 section 2.3.8 forbids them in DATA) and came
	// without BDAT, which could carry them; the NDR names printers and
	// scanners as the usual senders (as pasted in PacketFence's and
	// Kitura/Swift-SMTP's issues).
	{id: "ndr:bare-line-feed", level: notice, kind: transcript.KindProtocol, stage: transcript.Data, find: &bareLineFeed,
		keys: lex.add("bare line feed", "bare lf", "bare linefeed"),
		re:   lazyre.OnDemand(`(?i)bare (?:line ?feed|LF)s?\b`)},
	// Postfix's refusal of the client's HELO/EHLO name (reject_non_fqdn_helo_hostname,
	// reject_invalid_helo_hostname: "Helo command rejected: need
	// fully-qualified hostname"), quoted without its reply: the name the
	// device or the relay announces (IIS SMTP's FQDN setting, a printer's
	// host name).
	{id: "ndr:helo-rejected", level: library, kind: transcript.KindProtocol, stage: transcript.EHLO, find: &heloRejected,
		keys: lex.add("helo command rejected", "fully-qualified hostname", "invalid helo"),
		re:   lazyre.OnDemand(`(?i)Helo command rejected|need fully-qualified hostname|invalid (?:HELO|EHLO) (?:name|hostname)`)},
	// Exchange Online's SPF failure NDR (5.7.23, "couldn't confirm that your
	// message was sent from a trusted location", "Sender Policy Framework
	// (SPF) validation for the sender's domain fails"): the sending IP is not
	// in the sender domain's SPF record. MS Learn's NDR table (5.7.23).
	{id: "ndr:spf-failed", level: notice, kind: transcript.KindProtocol, find: &spfFailed,
		keys: lex.add("trusted location", "spf) validation", "spf validation", "spf fail", "spf check"),
		re:   lazyre.OnDemand(`(?i)couldn't confirm that your message was sent from a trusted location|\(SPF\) validation for the sender's domain fail|\bSPF (?:validation|check) (?:failed|fails)|\bSPF fail\b`)},
	// Outlook.com's (Hotmail's) refusal of the sender for "policy reasons"
	// (its DY-, SC-, OU- codes: a dynamic IP, a block, spam-like content
	// or the IP's or domain's reputation), as bounces and people quote it
	// without the reply.
	{id: "ndr:hotmail-policy-reasons", level: notice, kind: transcript.KindProtocol, find: &hotmailPolicy,
		keys: lex.add("for policy reasons"),
		re:   lazyre.OnDemand(`(?i)rejected by (?:Windows Live Hotmail|Hotmail|Outlook\.com|Microsoft) for policy reasons`)},
	// 5.7.133-5.7.136, 5.7.124, 5.7.12: delivery restrictions of a group
	// or a mailbox.
	{id: "ndr:delivery-restricted", level: notice, kind: transcript.KindProtocol, stage: transcript.Rcpt, row: "group-sender-not-authenticated",
		keys: lex.add("only accepts messages from", "delivery to this", "restricted to authenticated", "allowed senders", "not allowed to send to", "not authorized to send", "delivery restriction", "sendernotauthenticated"),
		re:   lazyre.OnDemand(`(?i)only accepts messages from people (?:in|within|inside) (?:its|their|the) organization|delivery to this (?:group|address|recipient|distribution list) is restricted|restricted to authenticated senders|(?:isn't|is not|not) on (?:the|its|their) allowed senders list|(?:not allowed|not authorized|don't have permission|do not have permission) to send (?:messages )?to this (?:group|recipient|address|distribution list)|SenderNotAuthenticated|Delivery restriction check failed`)},
	// The sender may not send as (or on behalf of) the From address:
	// Exchange's SendAsDenied as Outlook and the NDR word it, in the
	// sender's language ("You do not have the permission to send the
	// message on behalf of the specified user", "Sie besitzen nicht die
	// Berechtigung, ... im Auftrag des angegebenen Benutzers zu senden"),
	// and the short forms people quote ("not allowed to send as"). FACTS.md
	// 5.7.60 / SendAsDenied: checked when the message is submitted.
	{id: "ndr:send-as-denied", level: notice, kind: transcript.KindProtocol, stage: transcript.Data, row: "sendas-denied-storedrv",
		keys: lex.add("on behalf of", "send as", "sending as", "im auftrag", "de la part de", "en nombre de", "per conto di", "namens", "em nome de"),
		re:   lazyre.OnDemand(`(?i)(?:do(?: not|n't)|does(?: not|n't)) have (?:the )?permissions? to send (?:the |this )?(?:message |messages |e-?mail )?(?:as|on behalf of)\b|can't send (?:a |this )?message on behalf of|\bnot (?:allowed|permitted|authori[sz]ed) to send (?:as|on behalf of)\b|Berechtigung\S*,? (?:die Nachricht |Nachrichten )?im Auftrag|pas l'autorisation d'envoyer (?:le |ce |des )?(?:message|messages) (?:de la part|au nom)|permiso para enviar (?:el |este )?mensaje en nombre|autorizzazione (?:per|a) inviare (?:il |questo )?messaggio per conto|niet gemachtigd om (?:berichten|het bericht) namens|permissão para enviar (?:a |esta )?mensagem em nome`)},
	// 4.4.7 / 5.4.300: Exchange Online's retries ran out.
	{id: "ndr:message-expired", level: notice, kind: transcript.KindTimeout, row: "message-expired",
		keys: lex.add("despite repeated attempts", "didn't respond", "did not respond", "accepting connection requests", "message expired", "queue.expired", "message has expired"),
		re:   lazyre.OnDemand(`(?i)Despite repeated attempts to (?:contact|deliver)|recipient's email system (?:it )?(?:didn't|did not) respond|(?:isn't|is not) accepting connection requests|\bmessage (?:has )?expired\b|QUEUE\.Expired`)},
	// The recipient rate limit and the submission quota: the sender hit
	// a sending limit (5.1.90, 5.2.2, "sending limit" of any provider).
	{id: "ndr:recipient-rate-limit", level: notice, kind: transcript.KindProtocol, row: "recipient-rate-limit",
		keys: lex.add("daily limit for message recipients"),
		re:   lazyre.OnDemand(`(?i)daily limit for message recipients`)},
	{id: "ndr:sending-limit", level: notice, kind: transcript.KindProtocol, row: "submission-quota-exceeded",
		keys: lex.add("quota d'envoi", "sendekontingent", "cuota de envío", "quota di invio", "submission quota", "sending quota", "sending limit", "daily limit", "hour limit", "hour sending limit", "rate limit", "message limit", "sender throttled", "versandlimit", "sendelimit", "tageslimit", "limite d'envoi", "límite de envío", "limite di invio", "verzendlimiet", "limite de envio", "发送限制", "发送上限", "送信制限", "送信上限"),
		re:   lazyre.OnDemand(`(?i)quota d'envoi|Sendekontingent|cuota de envío|quota di invio|submission quota|sending quota|sending limit|daily (?:sending |message |recipient )?limit|24[- ]hours? (?:sending |message )?limit|(?:recipient|message) rate limit|message limit (?:exceeded|reached)|Sender throttled|Versandlimit|Sendelimit|Tageslimit|limite d'envoi|límite de envío|limite di invio|verzendlimiet|limite de envio|发送限制|发送上限|送信制限|送信上限`)},
	// Outlook.com / Exchange Online sender support and the delist
	// portal: the sending IP is (or was) on Microsoft's block list.
	{id: "ndr:block-list", level: notice, kind: transcript.KindProtocol, row: "banned-ip", rank: 1, not: networkBlockRE,
		keys: lex.add("sender.office.com", "olcsupport", "sendersupport", "snds", "delist", "conditional", "unblock", "blocked senders list", "blocked due to", "bedingt entsperrt", "entblockung"),
		re:   lazyre.OnDemand(`(?i)sender\.office\.com|olcsupport\.office\.com|sendersupport\.olc|\bSNDS\b|\bdelist(?:ed|ing)?\b|conditional(?:ly)? unblock|qualif(?:y|ies|ied) for conditional|\bunblock(?:ed|ing)?\b|blocked senders list|Blocked due to user complaints|bedingt entsperrt|bedingte Entblockung|Entblockung`)},
}

// mailboxFull is the finding for an NDR that says the recipient's
// mailbox is full.
var mailboxFull = wordFinding{cat: catalog.Recipient, step: 5,
	text:   "the recipient's mailbox is full (the non-delivery report says so): the message reached the recipient's server, which could not store it",
	next:   "nothing to change at the site: the recipient must free space (or the sender sends to another address); send again later",
	source: "RFC 3463 section 3.3 (X.2.2 mailbox full); MS Learn \"Email non-delivery reports in Exchange Online\""}

// tooLarge is the finding for a message over the receiving server's size
// limit, told without the reply's code.
var tooLarge = wordFinding{cat: catalog.Policy, step: 5,
	text:   "the message is larger than the server accepts (its message size limit): a scan or attachment too big for this path",
	next:   "scan at a lower resolution or in black and white, split the document, or raise the limit (Exchange Online: the mailbox's MaxSendSize, up to 150 MB)",
	source: "RFC 5321 section 4.5.3.1.10 (message size); RFC 1870 (SIZE); Exchange Online limits"}

// allRecipientsRejected is the finding for a client's summary that every
// recipient was refused.
var allRecipientsRejected = wordFinding{cat: catalog.Recipient, step: 5,
	text:   "the server refused every recipient at RCPT TO (the client's summary; the server's reason is not shown): addresses that do not exist, or a sender, IP or tenant not allowed to send to them",
	next:   "capture the server's replies to RCPT TO (the client's SMTP debug log): they say whether the address, the IP's reputation or a policy refused it",
	source: "RFC 5321 section 4.1.1.3 (RCPT); nodemailer lib/smtp-connection (\"all recipients were rejected\")"}

// providerRejected is the finding for Exchange Online's NDR saying the
// destination refused the message.
var providerRejected = wordFinding{cat: catalog.Policy, step: 5, keepUnstaged: true,
	text:   "the recipient's provider refused the message after Microsoft 365 sent it: its policy, or its verdict on the sender (spam, the tenant's or IP's reputation); the NDR's diagnostic block names which",
	next:   "read the NDR's \"Diagnostic information for administrators\" (the remote server's reply); for a new tenant, outbound mail may be restricted until it is verified (spam abuse NDRs 5.7.501-5.7.520)",
	source: "MS Learn \"Email non-delivery reports in Exchange Online\""}

// hotmailPolicy is the finding for Outlook.com's "rejected ... for policy
// reasons" told without its reply.
var hotmailPolicy = wordFinding{cat: catalog.Policy, step: 7, keepUnstaged: true,
	text:   "Outlook.com (Hotmail) refused the sender for policy reasons: the sending IP (dynamic, residential or blocked), its reputation, or spam-like content",
	next:   "send through an authenticated relay or submission with a static, clean IP (not a residential line); check the IP at https://sender.office.com and the domain's SPF, DKIM and DMARC",
	source: "Outlook.com's DY-001, SC-001 to SC-004 and OU-001 refusals as bounces quote them"}

// bareLineFeed is the finding for Exchange Online's 5.6.11 NDR wording.
var bareLineFeed = wordFinding{cat: catalog.Config, step: 6,
	text:   "the message holds bare line feeds (line ends without CR) and was sent without BDAT, so the receiving server refused it (Exchange Online's 5.6.11): the sending program or device writes malformed line ends",
	next:   "update the device's firmware or the program (use CRLF line ends, or BDAT/CHUNKING where the server offers it); an old printer or scanner that cannot be fixed sends through a relay that repairs line ends",
	source: "RFC 5321 section 2.3.8 (CRLF only); Exchange Online's 5.6.11 NDR text as quoted in public issues"}

// heloRejected is the finding for Postfix's refusal of the HELO name
// told without its reply.
var heloRejected = wordFinding{cat: catalog.Config, step: 3,
	text:   "the receiving server refused the name the client announced in HELO/EHLO (not a fully qualified domain name, or an invalid one)",
	next:   "set the device's or relay's HELO/EHLO name to its fully qualified domain name (IIS SMTP: Properties, Delivery, Advanced, Fully-qualified domain name)",
	source: "Postfix smtpd_helo_restrictions (reject_non_fqdn_helo_hostname, reject_invalid_helo_hostname)"}

// spfFailed is the finding for a receiving side's SPF failure.
var spfFailed = wordFinding{cat: catalog.Policy, step: 6, keepUnstaged: true,
	text:   "the receiving server's SPF check failed for the sender's domain: the IP the message came from is not in that domain's SPF record (Exchange Online's 5.7.23)",
	next:   "add the sending IP (a site's public IP for Direct Send or a relay connector) or include:spf.protection.outlook.com to the sender domain's SPF TXT record; check it with nslookup -type=txt",
	source: "MS Learn \"Email non-delivery reports in Exchange Online\" (5.7.23, SPF); RFC 7208"}
