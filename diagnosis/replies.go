package diagnosis

import (
	"slices"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// diagnoseReply explains a stage that failed with a server reply: first
// the replies whose meaning depends on the session rather than the text,
// then the reply catalog, then a generic reading by stage and class.
func diagnoseReply(sc *scene, f transcript.StageResult) Verdict {
	rep := f.Reply
	ev := rep.Line()
	if v, ok := starttlsMissing(sc, f); ok {
		return v
	}
	// 421 4.7.66 refuses legacy TLS wherever it shows up (FACTS.md: the
	// exact point, STARTTLS or AUTH, is UNCONFIRMED), whatever its wording.
	if rep.Code == 421 && rep.Enhanced == "4.7.66" {
		if e := catalog.Lookup("tls-legacy-refused"); e != nil {
			return sc.entryVerdict(e, f, rep, ev)
		}
	}
	// 504 5.7.4 before TLS: Microsoft 365 offers AUTH only after STARTTLS
	// (FACTS.md 2.1, enough_mail#106), so the mechanism is not the
	// problem and new credentials would not help. Category tls rather
	// than auth: the fix is turning on STARTTLS, and the auth checklist
	// (step 9) would send the technician the wrong way.
	if f.Stage == transcript.Auth && !sc.tlsDone && !sc.in.Partial && ((rep.Code == 504 && rep.Enhanced == "5.7.4") || authOnlyAfterTLS(sc.t, rep)) {
		return tag(sc.verdict(finding{catalog.TLSCat, 4,
			"AUTH was refused before TLS was negotiated: the device is likely authenticating before STARTTLS (Microsoft 365 offers AUTH only inside TLS)",
			"enable STARTTLS (TLS 1.2 or later) on the device so it authenticates after the second EHLO, with AUTH LOGIN or XOAUTH2"}, f, rep, ev),
			"auth-before-starttls", srcAuthAfterTLS)
	}
	if v, ok := heloOnly(sc, f); ok {
		return v
	}
	if e := catalog.Match(f.Stage, rep); e != nil && e.Category != catalog.OK {
		return sc.entryVerdict(e, f, rep, ev)
	}
	r := genericReply(f.Stage, rep)
	return tag(sc.verdict(r.finding, f, rep, ev), r.id, r.src)
}

// entryVerdict is the verdict a catalog row gives, tagged with the row.
func (sc *scene) entryVerdict(e *catalog.Entry, f transcript.StageResult, rep *transcript.Reply, ev string) Verdict {
	return tag(sc.verdict(entryFinding(e), f, rep, ev), "catalog:"+e.ID, e.Source)
}

// tag names the rule that decided v and its source.
func tag(v Verdict, id, src string) Verdict {
	v.Rule, v.Source = id, src
	return v
}

func entryFinding(e *catalog.Entry) finding {
	return finding{cat: e.Category, step: e.Step, text: e.Finding, next: e.Next}
}

// replyRule reads a reply the catalog does not know by its stage and code.
// The first rule that fits wins.
type replyRule struct {
	stages []transcript.Stage // nil: any stage
	class  int                // reply class (4, 5), 0: any
	code   int                // exact code, 0: any
	text   *lazyre.Regexp     // must match the reply text, nil: any
	id     string             // stable rule name (Verdict.Rule)
	src    string             // the public source it rests on
	finding
}

// blockWords marks a session refusal that is about who is connecting.
var blockWords = lazyre.New(`(?i)block|black ?list|listed|spam|reputation|banned|denied|not allowed|poor`)

// relayWords marks a refusal to relay: the server will not take mail for
// that domain from this client (not authenticated, IP or certificate not
// allowed), whatever the mailbox. Postfix "Relay access denied", sendmail
// "Relaying denied" (localised by some servers: Dutch "Doorsturen
// geweigerd", as an Outlook error quoted it), Exchange "Unable to relay", Exim "relay not
// permitted", qmail "not in my list of allowed rcpthosts".
var notAuthWords = lazyre.New(`(?i)not authenticated|authentication required|must authenticate|requires? authentication|please authenticate|authenticate (?:first|before)|before AUTH\b|\bAUTH first\b`)

// listedWords marks a refusal for what the sending IP is: a DNS block
// list, a reputation verdict (Spamhaus, Barracuda, SpamCop, "RBL"),
// complaints about the IP's mail (Outlook.com's "550 SC-004 ... A block
// has been placed against your IP address because we have received
// complaints");
// Postfix's reject_rbl_client says "Client host [ip] blocked using
// <list>", Exchange Online's FrontBridge list "blocked using FBLW15";
// Gmail's 421 4.7.28 "unusual rate of unsolicited mail originating from
// your IP address".
var listedWords = lazyre.New(`(?i)spamhaus|barracuda|spamcop|\bsorbs\b|block ?list|black ?list|\bRBL\b|DNSBL|listed|listing|IP reputation|poor reputation|\bblocked using\b|placed against your IP|received complaints|complaints (?:about|concerning|regarding) (?:mail|e-?mail|messages)|\buser complaints\b|\[TSS0\d\]|unsolicited (?:mail|e-?mail|messages) originating from your IP`)

// contentWords: a refusal of the message itself by a spam, virus or
// content filter ("550 5.2.0 Spam message rejected", QQ's "550 Error:
// content rejected", "message detected as spam"): the message, judged
// once the server has it (RFC 3463 X.6.x and X.7.1 in practice).
var contentWords = lazyre.New(`(?i)\bspam message|(?:message|mail|email)(?: was| is| has been)? (?:rejected|detected|identified|classified|blocked|flagged) as spam|\bcontent rejected|rejected (?:for|due to|because of) (?:spam|content|its content)|\bcontent (?:filter|policy)|looks like spam|\bspam detected|\bvirus\b|\bmalware\b|\bphishing\b`)

// sizeWords: a message larger than the server or the mailbox accepts
// (RFC 3463 X.3.4 "message too big for system", X.2.3 "message length
// exceeds administrative limit"; Exchange Online's "554 5.2.270
// MapiExceptionMaxSubmissionExceeded; Message size exceeds maximum size
// limit", FACTS.md reply catalog: data, mailbox MaxSendSize 35 MB).
var sizeWords = lazyre.New(`(?i)MaxSubmissionExceeded|MessageSubmissionExceeded|message size exceeds|exceeds (?:the )?(?:maximum|fixed maximum|max) (?:message )?size|message (?:is )?too (?:large|big)|message length exceeds|size limit exceeded|MessageTooLarge|RecipSizeLimit|SendSizeLimit|\bexceeds (?:the )?(?:recipient'?s? )?size limit`)

// senderMismatchWords: a server that takes mail only from the
// authenticated user's own address ("501 mail from address must be same
// as authorization user", Postfix's "Sender address rejected: not owned
// by user", Zoho's "553 Relaying disallowed as x"): Exchange Online's
// SendAsDenied in other servers' words.
var senderMismatchWords = lazyre.New(`(?i)Relaying disallowed as|must be (?:the )?same as (?:the )?(?:authori[sz]ation|authenticat\w*|login) ?(?:user|account|name)?|not owned by (?:the )?(?:authenticated |login |auth )?user|does(?: not|n't) match (?:the )?(?:authenticated|login|auth)\w* (?:user|account|address)|not (?:allowed|permitted|authori[sz]ed) to send (?:as|from|on behalf)`)

// senderWords: a refusal of the sender address (MAIL FROM) because its
// domain does not exist in DNS (Postfix's reject_unknown_sender_domain:
// "450 4.1.8 <x>: Sender address rejected: Domain not found").
var senderWords = lazyre.New(`(?i)sender address rejected: domain not found|sender domain (?:not found|unknown|does(?: not|n't) exist|must exist)|domain of sender address \S+ does(?: not|n't) (?:exist|resolve)`)

// tlsFailedWords: the server's reply says the TLS handshake failed (a
// relay's "403 4.7.0 TLS handshake failed" in a bounce): the certificate,
// the TLS version or the ciphers, not the network.
var tlsFailedWords = lazyre.New(`(?i)TLS handshake failed|TLS negotiation failed|SSL handshake failed|handshake failure|TLS connection could not be established`)

// authFailedWords: a reply about the credentials themselves ("435 Unable
// to authenticate at present", "Authentication unsuccessful"), the answer
// to AUTH whatever its code (RFC 4954 section 6).
var authFailedWords = lazyre.New(`(?i)unable to authenticate|authentication (?:failed|unsuccessful|failure)|invalid credentials|credentials (?:were )?(?:incorrect|invalid)`)

// recipientRejectedWords: Postfix's words for a refusal at RCPT TO
// ("<a@b>: Recipient address rejected: ..."), whatever follows.
var recipientRejectedWords = lazyre.New(`(?i)recipient address rejected`)

// remoteConnectWords: an X.4.x status whose text says the connection to
// the next server failed.
var remoteConnectWords = lazyre.New(`(?i)^[45]\.4\.\d{1,3}\b.{0,80}?(?:connection refused|socket error code|network is unreachable|unable to connect|could not connect)`)

// policyWords: a refusal that names the receiving side's policy.
var policyWords = lazyre.New(`(?i)for policy reasons|policy violation|violat\w* (?:of )?(?:our |the |local |its )?(?:\w+ )?polic(?:y|ies)|rejected (?:due to|by|per) (?:local |security |our )?policy`)

// loopWords marks a routing loop refusal.
var loopWords = lazyre.New(`(?i)hop count exceeded|mail loop|routing loop|loop detected|too many hops`)

// unknownRecipientWords: a refusal saying the recipient does not exist.
const unknownRecipientExpr = `recipient (?:could not|couldn't|cannot|can't) be found|recipient (?:address )?not found|no such (?:user|mailbox|recipient)|user unknown|unknown (?:user|recipient)|mailbox (?:not found|does not exist|doesn't exist)`

var unknownRecipientWords = lazyre.New(`(?i)` + unknownRecipientExpr)

// greylistWords: a temporary refusal of a first-time sender (greylisting:
// the sending server retries and is then accepted).
var greylistWords = lazyre.New(`(?i)grey ?list|gray ?list`)

var relayWords = lazyre.New(`(?i)\brelay(ing)?\b.{0,24}\b(denied|not permitted|not allowed|prohibited|refused)\b|\b(unable|not permitted|cannot|can't|do not|don't)( to)? relay\b|allowed rcpthosts|not local host .{0,60}not a gateway|Doorsturen geweigerd`)

// sendingLimitWords: the sender hit a sending limit of its account or
// server ("550 5.4.5 Daily user sending quota exceeded", "451 4.3.0
// message rate limit exceeded", Exchange Online's recipient rate limit
// and submission quota in the reply catalog): the limit, not congestion
// (RFC 3463's X.4.5) nor the mailbox's quota (X.2.2).
var sendingLimitWords = lazyre.New(`(?i)sending (?:quota|limit)|submission quota|daily (?:user )?(?:sending |message |recipient )?(?:quota|limit)|(?:recipient|message|sending) rate limit|message limit (?:exceeded|reached)|Sender throttled|too many messages (?:sent|per)`)

// senderAuthWords: the receiving side's SPF, DKIM or DMARC check of the
// sender's domain failed ("550-5.7.26 Unauthenticated email from x is not
// accepted due to domain's DMARC policy", Exchange Online's 5.7.23 SPF and
// 5.7.509 DMARC reject NDRs; RFC 7208, RFC 6376, RFC 7489).
var senderAuthWords = lazyre.New(`(?i)DMARC|SPF (?:validation|check)? ?fail|SPF fail|(?:did|does) not pass (?:SPF|DKIM|DMARC)|DKIM (?:check |signature )?(?:fail|invalid|missing)|Unauthenticated (?:e-?mail|mail|message) from|sender authentication (?:failed|check)|Sender Policy Framework violation|\bSPF(?:,| and| or|, or) DKIM\b`)

// reverseDNSWords: a refusal of the sending IP for its reverse DNS (no
// PTR record, or one that does not resolve back: free.fr's "421 Refused.
// Your reverse DNS entry does not resolve to an IP", Exchange Online's
// 5.7.25 "must have a reverse DNS record" in the MS Learn NDR table).
var reverseDNSWords = lazyre.New(`(?i)reverse DNS|PTR record|rDNS|reverse (?:lookup|mapping) (?:failed|missing)|no reverse (?:DNS|record|lookup)`)

var replyRules = []replyRule{
	// A refusal of the sending IP on a block list or for complaints comes
	// as a 421 too (Yahoo's "421 4.7.0 [TSS04] Messages from x temporarily
	// deferred due to unexpected volume or user complaints"): the IP, not
	// the service, is the reason.
	{id: "ip-deferred", src: catalog.SrcDelist, code: 421, text: listedWords, finding: finding{catalog.Reputation, 7,
		"the server deferred the site's IP: it is on a block list, or the mail from it drew complaints or came in unexpected volume",
		"check the site's public IP on the list the reply names and the sending volume; request removal or follow the provider's postmaster page (Microsoft: https://sender.office.com); send through a relay or submission with a clean IP meanwhile (checklist steps 7 and 8)"}},
	// Outlook.com's RP-001 to RP-003 ("421 RP-001 ... We have limits for
	// how many messages can be sent per hour and per day"): the postmaster
	// page's error table says the connecting IP exceeded the rate it is
	// allowed, the limit following the IP's and the domain's reputation;
	// the site's IP, not its account's quota.
	{id: "ip-rate-limited", src: "Outlook.com postmaster troubleshooting (sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx: RP-001, RP-002, RP-003)", text: lazyre.New(`\bRP-00[1-3]\b|(?i)limits for how many messages can be sent per hour`), finding: finding{catalog.Reputation, 7,
		"Outlook.com rate-limited the sending IP (RP-00x): the rate it allows an IP follows the IP's and the sender domain's reputation",
		"slow the sending from this IP and retry later; check the IP's reputation (Outlook.com SNDS, https://sender.office.com) and the domain's SPF, DKIM and DMARC; send through a relay with a good reputation meanwhile"}},
	{id: "sending-limit", src: srcRFC3463 + "; FACTS.md (SMTP AUTH limits: 10,000 recipients per day, 30 messages per minute; 5.2.2 submission quota, 5.1.90)", text: sendingLimitWords, finding: finding{catalog.Policy, 5,
		"the sender hit a sending limit of its account or server (messages or recipients per day or per hour): the limit, not a fault",
		"wait for the limit's window to pass and lower the sending rate (Exchange Online: 10,000 recipients a day, 30 messages a minute per mailbox); for bulk sending use a service made for it"}},
	{id: "reverse-dns", src: srcRFC5321 + " (section 4.1.4, client identity); FACTS.md (5.7.25: reverse DNS over IPv6, MS NDR table)", class: 0, text: reverseDNSWords, finding: finding{catalog.Reputation, 7,
		"the receiving server refused the site's IP for its reverse DNS: the public IP has no PTR record, or one that does not resolve back to it",
		"have the ISP (the owner of the public IP) set a PTR record for it that names a host resolving back to the IP; or send through a relay or submission that has one"}},
	{id: "sender-authentication", src: "RFC 7208 (SPF); RFC 6376 (DKIM); RFC 7489 (DMARC); MS Learn NDR table (5.7.23, 5.7.509)", class: 0, text: senderAuthWords, finding: finding{catalog.Policy, 6,
		"the receiving server's check of the sender's domain failed (SPF, DKIM or DMARC): the message came from an IP or service the domain does not authorise, or without an aligned signature",
		"add the sending path to the sender domain's SPF record (Microsoft 365: include:spf.protection.outlook.com; a site's public IP for Direct Send or a relay connector), sign with DKIM, and check the domain's DMARC policy"}},
	// RFC 3463 X.4.2 "bad connection": the next hop's connection dropped
	// (on-premises Exchange's queue: "451 4.4.0 Primary target IP address
	// responded with \"421 4.4.2 connection dropped due to timeout\""), where
	// no session shows it; in a session a 421 is the server's own (reply-421).
	{id: "connection-dropped", src: srcRFC3463 + " (X.4.2 bad connection)", stages: []transcript.Stage{transcript.Unstaged}, text: lazyre.New(`^4\.4\.2\b`), finding: finding{catalog.Network, 2,
		"the connection between the mail servers dropped (a timeout or a socket error on the next hop): the network, a firewall between them, or TLS that one side cannot complete",
		"check the path between the two servers (firewall SMTP inspection, timeouts) and that both agree on TLS (protocol versions, the certificate the receive connector uses); retry"}},
	{id: "reply-421", src: srcRFC5321, code: 421, finding: finding{catalog.Service, 10,
		"the server is temporarily not serving and closed the session (421)",
		"retry later with backoff; if it persists, record the time and the transcript for a support case (checklist step 10)"}},
	// RFC 3463 section 3.6, X.5.3 "Too many recipients": the message
	// names more recipients than the server takes at once (Exchange
	// Online: 500 per message by default, at most 1,000, FACTS.md 1.1),
	// whatever the command the capture shows it at.
	{id: "too-many-recipients", src: srcRFC3463 + "; FACTS.md 1.1 (recipients per message)", text: lazyre.New(`^#?[45]\.5\.3\b`), finding: finding{catalog.Policy, 5,
		"the message has more recipients than the server accepts in one message (X.5.3 too many recipients)",
		"send the message to fewer recipients at a time (Exchange Online takes 500 per message by default, at most 1,000), or split it"}},
	// A message over the size limit, whatever the enhanced code's subject
	// (Exchange Online answers 5.2.270 / 5.2.0, a mailbox code).
	{id: "message-too-large", src: srcRFC3463 + " (X.3.4, X.2.3); FACTS.md reply catalog (MaxSubmissionExceeded)", stages: []transcript.Stage{transcript.Mail, transcript.Data, transcript.Unstaged}, text: sizeWords, finding: finding{catalog.Policy, 5,
		"the message is larger than the server or the mailbox accepts (a scan's attachment over the size limit; Exchange Online's default is 35 MB per mailbox)",
		"scan at a lower resolution or in black and white, or split the job; an Exchange Online admin can raise the mailbox's MaxSendSize (up to 150 MB)"}},
	{id: "sender-not-own-address", src: "RFC 4954 section 6 (the authorization identity); " + catalog.SrcFixIssues, stages: []transcript.Stage{transcript.Mail, transcript.Rcpt, transcript.Data, transcript.Unstaged}, text: senderMismatchWords, finding: finding{catalog.Policy, 9,
		"the server takes mail only from the authenticated user's own address: MAIL FROM (or From) is another address",
		"set the device's sender (From) address to the mailbox it authenticates as, or grant that mailbox the right to send as the other address"}},
	// Before rcpt-refused: a relay refusal names the recipient's domain,
	// not its mailbox, and more credentials or an allowed IP fix it, not
	// another address (RFC 5321 section 3.6.2; Postfix's
	// reject_unauth_destination answers "554 5.7.1 <x>: Relay access denied").
	{id: "relay-refused", src: srcRFC5321 + "; " + srcPostfixRelay, stages: []transcript.Stage{transcript.Rcpt, transcript.Unstaged}, text: relayWords, finding: finding{catalog.Policy, 5,
		"the server refused to relay to this recipient's domain: this session is not allowed to relay (not authenticated, or the site's IP or certificate is not permitted), a policy refusal and not an unknown mailbox",
		"authenticate (SMTP AUTH after STARTTLS) or have the server allow the site's IP or certificate to relay (for Microsoft 365: an inbound connector); Direct Send reaches only the tenant's own domains"}},
	// The server wants TLS before it takes mail ("5.7.1 ... must use
	// TLS", "TLS required", "encryption required"; RFC 3207 section 4):
	// the client sent without STARTTLS.
	{id: "tls-required", src: "RFC 3207 section 4; RFC 4954 section 6 (538 encryption required)", stages: []transcript.Stage{transcript.Auth, transcript.Mail, transcript.Rcpt, transcript.Data, transcript.Unstaged}, text: lazyre.New(`(?i)must use TLS|TLS (?:is )?required|requires? (?:TLS|encryption)|encryption (?:is )?required|must issue a STARTTLS`), finding: finding{catalog.TLSCat, 4,
		"the server refuses mail sent without TLS: the client did not start TLS (STARTTLS) before sending",
		"turn on STARTTLS (TLS 1.2 or later) on the device or application for this server"}},
	// A TLS certificate the server could not validate (Exchange Online's
	// "450 4.7.320 Certificate validation failed [Message=SubjectMismatch]"
	// for a hybrid or partner connector; "certificate verify failed"):
	// the certificate's names, chain or dates, not the network.
	{id: "certificate-refused", src: "RFC 3207; " + catalog.SrcFixIssues, class: 0, text: lazyre.New(`(?i)certificate validation failed|SubjectMismatch|certificate (?:verify|verification) failed|untrusted certificate|certificate (?:has )?expired`), finding: finding{catalog.TLSCat, 4,
		"the server could not validate the TLS certificate it was given: its name does not match what the connector expects, its chain is not trusted, or it expired",
		"install a certificate whose subject or SAN matches the name the connector is set to (TlsCertificateName / the FQDN), from a public CA, and renew it before it expires"}},
	{id: "tls-handshake-failed", src: "RFC 3207 section 4", class: 0, text: tlsFailedWords, finding: finding{catalog.TLSCat, 4,
		"the server reports that the TLS handshake failed: a certificate (expired, or a name that does not match), a TLS version or the ciphers the two sides do not share",
		"check the sending server's certificate (dates, name, chain) and that it offers TLS 1.2 or later with current ciphers; test with openssl s_client -starttls smtp"}},
	// Greylisting (Postgrey's "450 4.2.0 <x>: Recipient address rejected:
	// Greylisted"): the receiving server's anti-spam policy refuses a
	// first attempt; the sender's server retries and gets through.
	{id: "greylisted", src: "Postgrey (postgrey.schweikert.ch); RFC 5321 section 4.5.4.1 (retry)", class: 4, text: greylistWords, finding: finding{catalog.Policy, 5,
		"the receiving server greylisted the message: a temporary refusal of a sender it has not seen before, which a retry after a few minutes passes",
		"nothing to change if the sending server retries (Microsoft 365 and any MTA do); a device that sends directly must retry, or send through a relay"}},
	// A refusal whose words say the recipient does not exist, whatever
	// its code ("5.0.0 ... Recipient could not be found", "no such user"),
	// where no stage says so (at RCPT TO, rcpt-refused already does).
	{id: "recipient-unknown-words", src: srcRFC3463 + " (X.1.1)", stages: []transcript.Stage{transcript.Unstaged}, class: 5, text: unknownRecipientWords, finding: finding{catalog.Recipient, 5,
		"the server says the recipient does not exist: the address is misspelled or the mailbox was removed",
		"check the recipient address for typos, and that the mailbox exists at the destination"}},
	// The recipient's domain does not exist or has no mail route (RFC 3463
	// X.4.4 "unable to route"; Exchange's "SMTPSEND.DNS.NonExistentDomain;
	// nonexistent domain"): the address's domain is wrong.
	{id: "recipient-domain-missing", src: srcRFC3463 + " (X.4.4 unable to route)", class: 0, text: lazyre.New(`(?i)NonExistentDomain|nonexistent domain|domain (?:does not|doesn't) exist|\bDNS\.NonExistent|no such domain`), finding: finding{catalog.Recipient, 5,
		"the recipient's domain does not exist (or has no mail route): the address is misspelled or the domain expired",
		"check the recipient address's domain (after the @) for typos, and that the domain has MX records (nslookup -type=mx)"}},
	// The recipient's mailbox is full (RFC 3463 X.2.2; Exchange's
	// "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:
	// QuotaExceededException"): the recipient's side, before any store
	// fault. (An organization's or a sender's queue quota is not it.)
	{id: "mailbox-full", src: srcRFC3463 + " (X.2.2 mailbox full)", class: 0, text: lazyre.New(`(?i)mailbox (?:is )?full|QuotaExceededException|mailbox (?:is )?over (?:its )?quota|mailbox quota exceeded`), finding: finding{catalog.Recipient, 5,
		"the recipient's mailbox is full: the receiving server cannot store the message",
		"nothing to change at the site: the recipient must free space (or the sender sends to another address); send again later"}},
	// A mailbox store's delivery failure (Exchange's STOREDRV.Deliver):
	// the server took the message and failed to store it, whatever the
	// 5.2.x code says about the address.
	{id: "store-delivery-failed", src: srcRFC3463 + "; MS Learn NDR table", class: 0, text: lazyre.New(`(?i)STOREDRV\.Deliver`), finding: finding{catalog.Service, 10,
		"the receiving Exchange server accepted the message but failed to store it in the mailbox (STOREDRV.Deliver): a server-side fault, not the address or the sender",
		"record the NDR and the time; the recipient's Exchange administrator checks the mailbox (quota, permissions, a journaling or transport rule) and the server's updates"}},
	// An Exchange transport agent that failed at its own step names itself
	// before a semicolon ("550 5.7.103 UserMailboxSentItemsAgent; Sent
	// items copy failed", a real NDR): the server's component broke, not
	// the sender's rights, whatever the 5.7.x says.
	{id: "transport-agent-failed", src: srcRFC3463 + "; MS Learn NDR table (agent names before a semicolon)", class: 0, text: lazyre.New(`(?i)\b[A-Z]\w*Agent; [^;]{0,60}?\b(?:failed|failure|exception)\b`), finding: finding{catalog.Service, 10,
		"an Exchange transport agent failed at its own step (the agent the reply names): a fault of the server's components, not the sender's address or rights",
		"record the NDR and the time and send again; if it repeats, the Exchange administrator checks the named agent (Microsoft 365: open a service request with the NDR)"}},
	// The server wants authentication before it takes mail: RFC 4954
	// section 6's 530, and the texts servers give it ("Client was not
	// authenticated", "Authentication required", "you must authenticate").
	{id: "not-authenticated", src: "RFC 4954 section 6 (530 5.7.0 Authentication required); " + catalog.SrcFixIssues, stages: []transcript.Stage{transcript.Mail, transcript.Rcpt, transcript.Data, transcript.Unstaged}, class: 0, text: notAuthWords, finding: finding{catalog.AuthCat, 9,
		"the server refused mail from a client that did not authenticate: the device sent no credentials (or AUTH failed and it carried on)",
		"configure SMTP AUTH on the device (the mailbox's UPN and password or OAuth, after STARTTLS), or send through Direct Send or a relay connector if it cannot authenticate"}},
	// A 530 whose words say nothing else (libcurl reports only "MAIL
	// failed: 530"): RFC 4954 section 6 gives 530 to "authentication
	// required" and RFC 3207 section 4 to "must issue a STARTTLS command
	// first"; either way the client skipped STARTTLS or AUTH.
	{id: "code-530", src: "RFC 4954 section 6; RFC 3207 section 4", stages: []transcript.Stage{transcript.Mail, transcript.Rcpt, transcript.Data, transcript.Unstaged}, code: 530, finding: finding{catalog.AuthCat, 9,
		"the server refused the command with 530, the code for \"authentication required\" (or \"STARTTLS first\"): the client sent mail without STARTTLS and SMTP AUTH",
		"turn on STARTTLS and SMTP AUTH on the device or application (the mailbox's UPN and password or OAuth), or send through Direct Send or a relay connector if it cannot authenticate"}},
	{id: "ip-listed", src: catalog.SrcDelist, stages: []transcript.Stage{transcript.Banner, transcript.Mail, transcript.Rcpt, transcript.Data, transcript.Unstaged}, class: 0, text: listedWords, finding: finding{catalog.Reputation, 7,
		"the server refused the site's IP: it is on a block list or has a poor reputation",
		"check the site's public IP on the list the reply names and request removal (Microsoft: https://sender.office.com); send through a relay or submission with a clean IP meanwhile (checklist steps 7 and 8)"}},
	// The message refused by a spam, virus or content filter, not the IP
	// (ip-listed above) nor the address.
	{id: "content-refused", src: srcRFC3463 + " (X.6.x, X.7.1)", stages: []transcript.Stage{transcript.Data, transcript.Unstaged}, text: contentWords, finding: finding{catalog.Policy, 6,
		"the receiving server's spam or content filter refused the message itself (its content, links or attachment), not the sender's address or IP",
		"look at what the message carries (subject, links, attachment type and name) and send a plain test; the receiving side's admin can see which filter rule fired (Microsoft 365: message trace and the quarantine)"}},
	// A refusal whose words say it is the receiving side's policy ("for
	// policy reasons", "policy violation", "violates our security policy"),
	// whatever the enhanced code's subject (Forpsi answers 5.1.0).
	{id: "policy-words", src: srcRFC5321 + " (the reply text)", stages: []transcript.Stage{transcript.Mail, transcript.Rcpt, transcript.Data, transcript.Unstaged}, class: 5, text: policyWords, finding: finding{catalog.Policy, 5,
		"the receiving server refused the mail by its policy, as its reply says",
		"read the reply's link or reason (many servers name the rule); check the sender's IP, SPF/DKIM/DMARC and the sending rate, and look the message up on the receiving side"}},
	// A relay's report that it could not reach the destination's server
	// (RFC 3463 X.4.x network and routing status; Exchange Online's "450
	// 4.4.316 Connection refused [Message=Socket error code 10061]" and
	// "550 5.4.316 Message expired, connection refused"): the recipient's
	// mail server or its MX, not the sender's path.
	// On-premises Exchange between its own servers: the receiving server
	// refused Exchange Server authentication (its receive connector does
	// not offer it, or the certificate or Kerberos check failed).
	{id: "exchange-server-auth", src: "Exchange Server receive connectors (AuthMechanism ExchangeServer); RFC 4954", text: lazyre.New(`(?i)Cannot achieve Exchange Server authentication`), finding: finding{catalog.AuthCat, 9,
		"the receiving Exchange server did not accept Exchange Server authentication from the sending one (its receive connector lacks the Exchange Server authentication method, or the certificate or Kerberos check between them failed)",
		"check the receiving server's receive connector (Get-ReceiveConnector | fl AuthMechanism,PermissionGroups: ExchangeServer and ExchangeServers), the certificates bound to SMTP (Get-ExchangeCertificate) and the servers' time and Kerberos"}},
	{id: "destination-unreachable", src: srcRFC3463 + " (X.4.x); MS Learn NDR table (4.4.316)", text: remoteConnectWords, finding: finding{catalog.Network, 2,
		"the sending server could not connect to the recipient's mail server (connection refused on port 25): the destination's server or its MX record is down, wrong or blocks the sender",
		"check the recipient domain's MX records (nslookup -type=mx) and that its server accepts connections on port 25; nothing at the sending site causes it"}},
	{id: "sender-domain-unknown", src: srcRFC3463 + " (X.1.8 bad sender's system address)", text: senderWords, finding: finding{catalog.Policy, 5,
		"the server refused the sender address (MAIL FROM): its domain does not exist in DNS",
		"set the device's sender address to a real address of an accepted domain (not a host name such as ip-10-0-0-1.ec2.internal)"}},
	{id: "banner-refused-blocked", src: catalog.SrcDelist, stages: []transcript.Stage{transcript.Banner}, class: 5, text: blockWords, finding: finding{catalog.Reputation, 7,
		"the server refused the session at the banner: the site's public IP is likely blocked",
		"check the site's public IP on the block list the reply names (Microsoft: https://sender.office.com); compare with submission on 587 (checklist step 8)"}},
	{id: "banner-refused", src: srcRFC5321, stages: []transcript.Stage{transcript.Banner}, class: 5, finding: finding{catalog.Service, 10,
		"the server refused the session at the banner (no SMTP service for this client)",
		"check that <ENDPOINT> is the right endpoint; record the reply and the time (checklist step 10)"}},
	// RFC 3463 X.7.1 "delivery not authorized, message refused", as a
	// temporary refusal: the receiving side's policy defers the message
	// for now (greylisting milters, anti-spam checks answer "451 4.7.1
	// Service unavailable - try again later"); a retry may pass.
	{id: "policy-deferred", src: srcRFC3463 + " (X.7.1)", class: 4, text: lazyre.New(`^4\.7\.1\b`), finding: finding{catalog.Policy, 5,
		"the receiving server deferred the message by its policy (4.7.1: not authorized for now: greylisting or an anti-spam check)",
		"nothing to change if the sender retries (a server does); a device that sends directly must retry, or send through a relay or submission"}},
	{id: "reply-4xx", src: srcRFC5321, class: 4, finding: finding{catalog.Service, 10,
		"the server refused <CMD> temporarily",
		"retry later; if it persists, record the time and the transcript (checklist step 10)"}},
	{id: "auth-refused", src: catalog.SrcFixIssues, stages: []transcript.Stage{transcript.Auth}, class: 5, finding: finding{catalog.AuthCat, 9,
		"authentication was refused",
		"check the username (the mailbox's full UPN) and password, that SMTP AUTH is enabled for the mailbox, and MFA, Security Defaults and Conditional Access (checklist step 9)"}},
	// At RCPT TO an X.7.x refusal is about the sender's right to send
	// there (RFC 3463 section 3.8: security or policy status), not the
	// mailbox: a quota, a relay or a policy rule.
	{id: "rcpt-refused-policy", src: srcRFC3463 + " (X.7.x)", stages: []transcript.Stage{transcript.Rcpt}, class: 5, text: lazyre.New(`^5\.7\.`), finding: finding{catalog.Policy, 5,
		"the recipient was refused by the server's security or policy rules (5.7.x), not because the mailbox does not exist",
		"read the reply's reason (a sending quota, relay rules, a block); check the sender may send to this recipient by this method (Direct Send reaches only the tenant's own mailboxes)"}},
	// A 5.5.x at RCPT (RFC 3463 section 3.6: mail delivery protocol
	// status) refuses the command, not the mailbox ("550 5.5.1 Protocol
	// error"), unless its words say the mailbox is unknown; X.5.3 (too
	// many recipients) is read above.
	{id: "rcpt-protocol-unknown-recipient", src: srcRFC3463 + " (X.1.1)", stages: []transcript.Stage{transcript.Rcpt}, class: 5, text: lazyre.New(`(?i)^5\.5\.\d{1,3}\b.*(?:` + unknownRecipientExpr + `)`), finding: finding{catalog.Recipient, 5,
		"the recipient was refused: the server says the mailbox does not exist",
		"check the recipient address, and that this method may reach it (Direct Send reaches only the tenant's own mailboxes)"}},
	{id: "rcpt-protocol", src: srcRFC3463 + " (X.5.x)", stages: []transcript.Stage{transcript.Rcpt}, class: 5, text: lazyre.New(`^5\.5\.`), finding: finding{catalog.Config, 3,
		"the server refused the RCPT TO command itself as malformed or out of sequence (5.5.x), not the mailbox: the client's command syntax, its address format, or what it announced before (its EHLO name)",
		"capture the client's exact RCPT TO line and EHLO name; fix the address format (RCPT TO:<user@domain>) or the EHLO name the device or library sends"}},
	{id: "rcpt-refused", src: srcChecklist, stages: []transcript.Stage{transcript.Rcpt}, class: 5, finding: finding{catalog.Recipient, 5,
		"the recipient was refused",
		"check the recipient address, and that this method may reach it (Direct Send reaches only the tenant's own mailboxes)"}},
	{id: "mail-refused", src: srcChecklist, stages: []transcript.Stage{transcript.Mail}, class: 5, finding: finding{catalog.Policy, 5,
		"the sender was refused",
		"check MAIL FROM: an accepted domain of the tenant and, for submission, the authenticated mailbox's address or one it may send as"}},
	{id: "data-refused", src: srcChecklist, stages: []transcript.Stage{transcript.Data}, class: 5, finding: finding{catalog.Policy, 5,
		"the message was refused at end of data",
		"check the message against the tenant's limits and rules (size, From header, Send As); look it up in message trace (checklist step 6)"}},
	{id: "ehlo-refused", src: srcRFC5321, stages: []transcript.Stage{transcript.EHLO, transcript.EHLOTLS}, class: 5, finding: finding{catalog.Config, 3,
		"the server refused EHLO",
		"check the device's EHLO name (a fully qualified name or an address literal) and that it speaks SMTP"}},
	{id: "starttls-refused", src: catalog.SrcMFP, stages: []transcript.Stage{transcript.STARTTLS, transcript.TLS}, class: 5, finding: finding{catalog.TLSCat, 4,
		"the server refused STARTTLS",
		"check the device's TLS settings (TLS 1.2 or later) and that nothing in the path rewrites STARTTLS"}},
	{id: "quit-failed", src: srcRFC5321, stages: []transcript.Stage{transcript.Quit}, finding: finding{catalog.Service, 10,
		"every stage up to QUIT passed, but QUIT failed",
		"nothing to fix for delivery; if it repeats, record the transcript (checklist step 10)"}},
	// A routing loop: the message went round between servers until the
	// hop count ran out (RFC 3463 X.4.6 "routing loop detected", RFC 5321
	// section 6.3 loop detection; pasted Exchange texts read "5.4.14 Hop
	// count exceeded - possible mail loop"): two connectors, or an MX and
	// a smart host, that point at each other.
	{id: "routing-loop", src: srcRFC3463 + "; RFC 5321 section 6.3", class: 5, text: loopWords, finding: finding{catalog.Config, 5,
		"the message looped between servers until its hop count ran out: a connector, smart host or MX points back the way the message came",
		"check the mail flow connectors and smart hosts on both sides (and the recipient domain's MX) for a route that sends the message back; look it up in message trace (checklist step 6)"}},
	// A reply whose command is unknown: by the enhanced code's subject
	// (RFC 3463 section 3: 1 addressing, 2 mailbox, 5 protocol, 7 security
	// or policy).
	{id: "unstaged-address", src: srcRFC3463, stages: []transcript.Stage{transcript.Unstaged}, class: 5, text: lazyre.New(`^5\.[12]\.`), finding: finding{catalog.Recipient, 5,
		"the server refused an address or mailbox (5.1.x/5.2.x)",
		"check the addresses the device uses (MAIL FROM and the recipients)"}},
	{id: "unstaged-protocol", src: srcRFC3463, stages: []transcript.Stage{transcript.Unstaged}, class: 5, text: lazyre.New(`^5\.5\.`), finding: finding{catalog.Config, 3,
		"the server refused a command as malformed or out of sequence (5.5.x)",
		"check the device's SMTP settings (EHLO, STARTTLS, AUTH mechanism) against Microsoft 365's"}},
	{id: "unstaged-policy", src: srcRFC3463, stages: []transcript.Stage{transcript.Unstaged}, class: 5, text: lazyre.New(`^5\.7\.`), finding: finding{catalog.Policy, 5,
		"the server refused the mail by security or policy (5.7.x)",
		"look the enhanced code up in Microsoft's NDR table (https://aka.ms/PillarEmailNDR) and record the full reply (checklist step 10)"}},
	{id: "unstaged-refused", src: srcRFC5321, stages: []transcript.Stage{transcript.Unstaged}, class: 5, finding: finding{catalog.Service, 10,
		"the server refused a command (the capture does not say which)",
		"capture the whole session (swaks, or the device's SMTP log) to see which stage failed"}},
	// A positive reply where the probe needed another: commands are being
	// rewritten. Older Cisco PIX turns commands it strips into NOOP and
	// answers "200 OK" (FACTS.md 7.1).
	{id: "reply-misfit", src: catalog.SrcMaskBanner, finding: finding{catalog.Firewall, 3,
		"the server answered <CMD> with a reply that does not fit it: likely a middlebox rewriting SMTP commands",
		nextInspection}},
}

// genericReply returns the first rule that fits the reply.
func genericReply(stage transcript.Stage, rep *transcript.Reply) replyRule {
	for _, r := range replyRules {
		if r.stages != nil && !slices.Contains(r.stages, stage) {
			continue
		}
		if r.class != 0 && r.class != rep.Class() {
			continue
		}
		if r.code != 0 && r.code != rep.Code {
			continue
		}
		if r.text != nil && !r.text.MatchString(rep.Text()) {
			continue
		}
		return r
	}
	return replyRules[len(replyRules)-1]
}

// RelayRefusal reports whether a reply's text refuses to relay: the
// answer to RCPT TO for a domain the client may not send to (RFC 5321
// section 3.6.2; Postfix's "Relay access denied"), whatever command a
// paste shows it beside.
func RelayRefusal(text string) bool { return relayWords.MatchString(text) }

// NotAuthenticated reports whether a reply's text refuses a client that
// did not authenticate (RFC 4954 section 6: "Authentication required",
// Exchange's "Client was not authenticated", "please authenticate").
func NotAuthenticated(text string) bool { return notAuthWords.MatchString(text) }

// ImpliedStage is the command a refusal's words imply when the capture
// does not show it: the message's content or size is judged at end of
// data, a sender that is not the authenticated user's own at MAIL FROM,
// a failed TLS handshake at STARTTLS, failed credentials at AUTH, an
// unknown recipient or a refusal to relay at RCPT TO; "" when the words
// say nothing.
func ImpliedStage(text string) transcript.Stage {
	switch {
	case sizeWords.MatchString(text), contentWords.MatchString(text):
		return transcript.Data
	case senderMismatchWords.MatchString(text):
		return transcript.Mail
	case tlsFailedWords.MatchString(text):
		return transcript.STARTTLS
	case authFailedWords.MatchString(text):
		return transcript.Auth
	case recipientRejectedWords.MatchString(text):
		return transcript.Rcpt
	case remoteConnectWords.MatchString(text):
		return transcript.Connect
	case unknownRecipientWords.MatchString(text), relayWords.MatchString(text):
		return transcript.Rcpt // RFC 5321 section 3.6.2: relaying is refused at RCPT TO
	}
	return ""
}

// Greylisted reports whether a temporary refusal is greylisting, or a
// temporary 4.7.1 (policy-deferred): the receiving side's policy
// deferring a message, not a setting of the server that logged it.
func Greylisted(text string) bool {
	return greylistWords.MatchString(text) || deferredRE.MatchString(text) && !relayWords.MatchString(text)
}

var deferredRE = lazyre.New(`\b4\d\d[ -]4\.7\.1\b`)
