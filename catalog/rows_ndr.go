package catalog

import (
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// catalogNDR holds Exchange Online NDR codes that round 3 of explain met
// in real texts and the catalog lacked: the delivery restrictions of
// groups and mailboxes (5.7.12, 5.7.124, 5.7.133-5.7.136), expiry after
// the recipient's system did not answer (4.4.7, 5.4.300, 4.4.316) and
// the recipient rate limit (5.1.90). Source: MS Learn "Email
// non-delivery reports in Exchange Online" (NDR table). Where Microsoft
// documents only the code and a description, Text is the code alone
// (the catalog never invents a reply's wording) and the row is
// Confirmed false.
var catalogNDR = []Entry{
	// Seen in a real NDR (Xilinx/embeddedsw#176): the resolver refused
	// an external sender for a distribution group. The NDR, not the SMTP
	// session, shows it: the stage is the recipient's.
	{ID: "group-sender-not-authenticated", Code: 550, Enhanced: "5.7.133",
		Text:    "5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required; Delivery restriction check failed because the sender was not authenticated when sending to this group",
		Pattern: lazyre.New(`(?i)SenderNotAuthenticatedFor|Delivery restriction check failed|not authenticated (?:for|when sending to) (?:this )?group`),
		Stage:   transcript.Rcpt, Category: Policy, Step: 5,
		Finding: "the recipient is a group that accepts mail only from authenticated senders of its own organization (delivery restriction): this sender is outside it, or did not authenticate",
		Next:    "ask the recipient's admin or the group's owner to accept external senders (Set-DistributionGroup -RequireSenderAuthenticationEnabled $false) or to add the sender to its allowed senders; a device of the same organization must send with SMTP AUTH or through a connector attributed to the tenant",
		Source:  SrcNDR + " (5.7.133 Sender not authenticated for group); Xilinx/embeddedsw#176", Confirmed: true, Learn: LearnGroupRestricted},
	{ID: "mailbox-sender-not-authenticated", Code: 550, Enhanced: "5.7.134", Text: "5.7.134",
		Stage: transcript.Rcpt, Category: Policy, Step: 5,
		Finding: "the recipient mailbox likely accepts mail only from senders of its own organization (delivery restriction)",
		Next:    "ask the recipient's admin to accept external senders for the mailbox, or send from inside the organization with SMTP AUTH",
		Source:  SrcNDR + " (5.7.134 Sender was not authenticated for mailbox)", Learn: LearnNDR},
	{ID: "publicfolder-sender-not-authenticated", Code: 550, Enhanced: "5.7.135", Text: "5.7.135",
		Stage: transcript.Rcpt, Category: Policy, Step: 5,
		Finding: "the recipient public folder likely accepts mail only from senders of its own organization (delivery restriction)",
		Next:    "ask the recipient's admin to accept external senders for the public folder",
		Source:  SrcNDR + " (5.7.13 or 5.7.135 Sender was not authenticated for public folder)", Learn: LearnNDR},
	{ID: "mailuser-sender-not-authenticated", Code: 550, Enhanced: "5.7.136", Text: "5.7.136",
		Stage: transcript.Rcpt, Category: Policy, Step: 5,
		Finding: "the recipient mail user likely accepts mail only from senders of its own organization (delivery restriction)",
		Next:    "ask the recipient's admin to accept external senders for the mail user",
		Source:  SrcNDR + " (5.7.136 Sender was not authenticated)", Learn: LearnNDR},
	{ID: "sender-not-in-allowed-list", Code: 550, Enhanced: "5.7.124", Text: "5.7.124",
		Stage: transcript.Rcpt, Category: Policy, Step: 5,
		Finding: "the sender is likely not on the recipient group's allowed-senders list (delivery restriction)",
		Next:    "ask the group's owner to add the sender to the allowed senders",
		Source:  SrcNDR + " (5.7.124 Sender not in allowed-senders list)", Learn: LearnNDR},
	{ID: "sender-not-authenticated-by-org", Code: 550, Enhanced: "5.7.12", Text: "5.7.12",
		Stage: transcript.Rcpt, Category: Policy, Step: 5,
		Finding: "the recipient likely accepts mail only from senders of its own organization (5.7.12, sender was not authenticated by organization)",
		Next:    "only the recipient organization's admin can accept external senders for this address",
		Source:  SrcNDR + " (5.7.12 Sender was not authenticated by organization)", Learn: LearnNDR},

	// Exchange Online accepted the message and could not hand it on:
	// the recipient's system did not answer or refused connections for
	// the whole retry period. The NDR comes after the device's session.
	{ID: "message-expired", Code: 550, Enhanced: "4.4.7", Text: "4.4.7",
		Stage: transcript.Data, Category: Network, Step: 2,
		Finding: "the message likely expired in Exchange Online's queue: the recipient's email system did not answer, or refused connections, for the whole retry period (a problem on the recipient's side)",
		Next:    "ask the recipient (by phone) to have their email admin check their MX records, servers and firewall; check the recipient domain's MX from outside (nslookup -type=mx)",
		Source:  SrcNDR + " (4.4.7 Message expired)", Learn: LearnNDR},
	{ID: "message-expired-5", Code: 550, Enhanced: "5.4.300", Text: "5.4.300",
		Stage: transcript.Data, Category: Network, Step: 2,
		Finding: "the message likely expired: the destination server never answered in time (5.4.300), a problem on the recipient's side",
		Next:    "ask the recipient to have their email admin check their MX records, servers and firewall",
		Source:  SrcNDR + " (5.4.300 Message expired)", Learn: LearnNDR},
	{ID: "remote-connection-refused", Code: 451, Enhanced: "4.4.316", Text: "4.4.316 Connection refused [Message=Socket error code 10061]",
		Pattern: lazyre.New(`(?i)Connection refused`), Stage: transcript.Data, Category: Network, Step: 2,
		Finding: "Exchange Online likely could not connect to the recipient's server (connection refused at the external server's location)",
		Next:    "the receiving side's server or network must be fixed: tell the recipient's admin the IP address in the error",
		Source:  SrcNDR + " (4.4.316 Connection refused [Message=Socket error code 10061])", Learn: LearnNDR},

	// Exchange Online's spam blocks on the sender, as its NDRs and per-code
	// pages word them: 5.7.501 "Access denied, spam abuse detected" (MS
	// Learn "Fix error code 550 5.7.501", and "... Spam abuse detected from
	// IP range" in a real NDR: an IP range EOP refuses) and 5.7.705 "Access
	// denied, tenant has exceeded threshold" (FACTS.md reply catalog; MS
	// 5.7.700-5.7.750 page: the tenant's outbound mail is blocked for spam,
	// lifted by Microsoft support only). 5.7.705 comes in an NDR after
	// Exchange Online accepted the tenant's own mail: the step is the end
	// of data, as for the other NDR rows.
	{ID: "spam-abuse-detected", Code: 550, Enhanced: "5.7.501", Text: "5.7.501 Access denied, spam abuse detected",
		Pattern: lazyre.New(`(?i)spam abuse detected`), Stage: transcript.Rcpt, Category: Reputation, Step: 7,
		Finding: "Exchange Online refused the sender for spam it detected from it (its account, or the IP range it sends from)",
		Next:    "find what sent spam (a compromised account or device), fix it, then ask Microsoft support (or the recipient's admin) to lift the block; send from a clean IP meanwhile",
		Source:  SrcNDR + " (5.7.501 Access denied, spam abuse detected)", Confirmed: true, Telling: true, Learn: LearnNDR},
	{ID: "tenant-exceeded-threshold", Code: 550, Enhanced: "5.7.705", Text: "5.7.705 Access denied, tenant has exceeded threshold",
		Pattern: lazyre.New(`(?i)tenant has exceeded (?:the )?threshold`), Stage: transcript.Data, Category: Reputation, Step: 7,
		Finding: "Exchange Online blocked the tenant's outbound mail: the tenant sent too much spam or unusual volume (often a compromised account or an expired subscription)",
		Next:    "find and stop what sent the mail (compromised accounts, a runaway device), then contact Microsoft support: the delist portal does not lift a tenant block",
		Source:  "FACTS.md reply catalog (5.7.705); MS fix-error-code-5-7-700-through-5-7-750", Confirmed: true, Telling: true, Learn: Learn700},
	// The sender's recipient rate limit (10,000 recipients a day).
	{ID: "recipient-rate-limit", Code: 550, Enhanced: "5.1.90",
		Text:    "5.1.90 Your message can't be sent because you've reached your daily limit for message recipients",
		Pattern: lazyre.New(`(?i)daily limit for message recipients`), Stage: transcript.Data, Category: Policy, Step: 5,
		Finding: "the mailbox likely reached its daily limit of message recipients (recipient rate limit, counted over a rolling 24 hours)",
		Next:    "wait until the recipients of the last 24 hours fall below the limit; find what sends so much (a runaway device, a compromised account); bulk mail belongs in High Volume Email or a relay connector",
		Source:  SrcNDR + " (5.1.90); Exchange Online limits (recipient rate limit)", Learn: LearnLimits},
}

// LearnGroupRestricted is Microsoft's page for the 5.7.133 NDR.
const LearnGroupRestricted = "https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-7-133-in-exchange-online"
