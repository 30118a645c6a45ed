package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// libWords are the fixed error messages of the clients and MTAs
// technicians paste from, with the step each names. Sources: the
// libraries' own code — PHPMailer's language files
// (language/phpmailer.lang-{de,es,fr,it,ja,nl,pt_br,zh_cn}.php, the
// English defaults in src/PHPMailer.php) and src/SMTP.php ("Password
// command failed"), System.Net.Mail's SR strings, JavaMail's
// SMTPTransport, MailKit, Symfony Mailer, K-9 Mail; Postfix smtp(8)
// (smtp_proto.c, smtp_sasl_glue.c: "lost connection with %s while %s",
// "conversation with %s timed out while %s", "offered no supported AUTH
// mechanisms"), Cyrus SASL ("No worthy mechs found"), Exim's transport
// log ("Remote host closed connection in response to %s", "SMTP timeout
// after %s") and sendmail ("reply: read error from %s").
var libWords = []wordRule{
	// PHPMailer: data_not_accepted, after DATA or its end.
	{id: "phpmailer:data_not_accepted", level: library, kind: transcript.KindProtocol, stage: transcript.Data, named: true, find: &dataRefused,
		keys: lex.add("data not accepted", "daten werden nicht akzeptiert", "données incorrectes", "datos no aceptados", "dati non accettati", "dados rejeitados", "data niet geaccepteerd", "数据不被接受", "データが受け付け"),
		re:   lazyre.OnDemand(`(?i)\bdata not accepted|Daten werden nicht akzeptiert|Erreur SMTP ?: données incorrectes|Datos no aceptados|Dati non accettati|Dados rejeitados|data niet geaccepteerd|数据不被接受|データが受け付けられませんでした`)},
	// PHPMailer: recipients_failed (RCPT TO), from_failed (MAIL FROM).
	{id: "phpmailer:recipients_failed", level: library, kind: transcript.KindProtocol, stage: transcript.Rcpt, named: true, find: &rcptRefused,
		phrases: tolerant("The following recipients failed"),
		keys:    lex.add("following recipients failed", "empfänger sind nicht korrekt", "destinataires suivants", "siguientes destinos fallaron", "indirizzi destinatari", "destinatários falharam", "ontvangers zijn mislukt", "收件人地址错误", "受信者アドレス", "rcpt not accepted"),
		re:      lazyre.OnDemand(`(?i)The following recipients failed|Die folgenden Empfänger sind nicht korrekt|les destinataires suivants sont en erreur|Los siguientes destinos fallaron|indirizzi destinatari hanno generato un errore|Os seguintes destinatários falharam|de volgende ontvangers zijn mislukt|收件人地址错误|受信者アドレスに ?間違いがあります|RCPT not accepted from server`)},
	{id: "phpmailer:from_failed", level: library, kind: transcript.KindProtocol, stage: transcript.Mail, named: true, find: &mailRefused,
		phrases: tolerant("The following From address failed"),
		keys:    lex.add("following from address failed", "absenderadresse ist nicht korrekt", "adresse d'expéditeur", "dirección de remitente", "indirizzi mittenti", "remetentes falharam", "afzendersadres is mislukt", "发送地址错误", "fromアドレス", "mail not accepted"),
		re:      lazyre.OnDemand(`(?i)The following From address failed|Die folgende Absenderadresse ist nicht korrekt|L'adresse d'expéditeur suivante a échoué|La siguiente dirección de remitente falló|indirizzi mittenti hanno generato errore|Os seguintes remetentes falharam|Het volgende afzendersadres is mislukt|发送地址错误|Fromアドレスを登録する際にエラー|MAIL not accepted from server`)},
	// PHPMailer: authenticate, and SMTP.php's commands of AUTH LOGIN.
	{id: "phpmailer:authenticate", level: library, kind: transcript.KindProtocol, stage: transcript.Auth, named: true,
		keys: lex.add("could not authenticate", "authentifizierung fehlgeschlagen", "authentification", "imposible autentificar", "impossibile autenticarsi", "possível autenticar", "authenticatie mislukt", "错误：登录失败", "認証できませんでした", "password command failed", "username command failed", "auth command failed", "password not accepted"),
		re:   lazyre.OnDemand(`(?i)Could not authenticate|SMTP-Fehler: Authentifizierung fehlgeschlagen|échec de l'authentification|Imposible autentificar|Impossibile autenticarsi|Não foi possível autenticar|authenticatie mislukt|SMTP ?错误：登录失败|認証できませんでした|(?:Password|Username|AUTH) command failed|Password not accepted from server`)},
	// PHPMailer: connect_host, smtp_connect_failed. smtpConnect() reports
	// connect_host for a failed TLS set-up too, so the step is inferred.
	{id: "phpmailer:connect_host", level: library, kind: transcript.KindProtocol, stage: transcript.Connect,
		phrases: tolerant("Could not connect to SMTP host"),
		keys:    lex.add("could not connect to smtp host", "verbindung zum smtp", "se connecter au serveur smtp", "conectar al servidor smtp", "connettersi all'host smtp", "conectar ao servidor smtp", "kon niet verbinden met smtp", "无法连接到", "smtpホストに接続", "connexion smtp", "connect() fall", "verbinding mislukt", "smtp服务器连接失败"),
		re:      lazyre.OnDemand(`(?i)Could not connect to SMTP host|Konnte keine Verbindung zum SMTP-Host herstellen|Verbindung zum SMTP-Server fehlgeschlagen|impossible de se connecter au serveur SMTP|Échec de la connexion SMTP|Imposible conectar al servidor SMTP|Impossibile connettersi all'host SMTP|Não foi possível conectar ao servidor SMTP|kon niet verbinden met SMTP-host|SMTP Connect\(\) (?:falló|fallita|falhou)|SMTP Verbinding mislukt|无法连接到 ?SMTP ?主机|SMTP服务器连接失败|SMTPホストに接続できませんでした`)},

	// Postfix smtp(8): the connection went away, or timed out, while a
	// named step ran. A definite statement of the MTA's, not a summary.
	{id: "postfix:lost-connection-while", level: library, kind: transcript.KindClosed, strong: true, named: true, stageOf: whileStage,
		keys: lex.add("lost connection with"),
		re:   lazyre.OnDemand(`(?i)lost connection with \S+ while (?:receiving the initial server greeting|performing the (?:EHLO|HELO|LHLO|STARTTLS|TLS) handshake|sending (?:MAIL FROM|RCPT TO|DATA command|message body|end of data)|sending the message body)`)},
	{id: "postfix:timed-out-while", level: library, kind: transcript.KindTimeout, strong: true, named: true, stageOf: whileStage,
		keys: lex.add("conversation with"),
		re:   lazyre.OnDemand(`(?i)conversation with \S+ timed out while (?:receiving the initial server greeting|performing the (?:EHLO|HELO|LHLO|STARTTLS|TLS) handshake|sending (?:MAIL FROM|RCPT TO|DATA command|message body|end of data)|sending the message body)`)},
	// Exim's transport: the remote host hung up, or went silent, after a
	// named step.
	{id: "exim:closed-in-response-to", level: library, kind: transcript.KindClosed, strong: true, named: true, stageOf: afterStep,
		keys: lex.add("in response to"),
		re:   lazyre.OnDemand(`(?i)(?:closed (?:the )?connection|connection (?:was )?closed|dropped (?:the )?connection) in response to (?:initial connection|EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|end of data)`)},
	{id: "exim:smtp-timeout-after", level: library, kind: transcript.KindTimeout, strong: true, named: true, stageOf: afterStep,
		keys: lex.add("timeout after"),
		re:   lazyre.OnDemand(`(?i)SMTP timeout after (?:initial connection|sending EHLO|EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|sending data block|end of data|pipelined)`)},
	// Exim's rejectlog: the LOCAL Exim refused its own client at a named
	// command ("H=(localhost) [172.22.0.1] F=<x> rejected RCPT <y>: relay
	// not permitted"); localrelay.go reads the same for Postfix and
	// sendmail, whose lines carry the reply.
	{id: "exim:rejected-own-client", level: library, kind: transcript.KindProtocol, strong: true, named: true, stageOf: eximRejected, find: &localEximRefused,
		keys: lex.add("rejected rcpt", "rejected mail", "rejected ehlo", "rejected helo", "rejected after data", "rejected auth"),
		re:   lazyre.OnDemand(`(?i)\bH=.{0,320}?\brejected (?:RCPT|MAIL|EHLO|HELO|after DATA|AUTH)\b`)},
	// sendmail: the reply could not be read (the peer closed or reset).
	{id: "sendmail:read-error", level: library, kind: transcript.KindClosed, strong: true,
		keys: lex.add("reply: read error", "lost input channel"),
		re:   lazyre.OnDemand(`(?i)reply: read error from|lost input channel from`)},

	// No authentication mechanism in common: Postfix (smtp_sasl_glue.c),
	// Cyrus SASL, JavaMail, MailKit. Microsoft 365 offers LOGIN and
	// XOAUTH2 after STARTTLS (FACTS.md 2.1); the client's SASL lacks them.
	{id: "sasl:no-common-mechanism", level: library, kind: transcript.KindProtocol, stage: transcript.Auth, named: true, strong: true, find: &noMechanism,
		keys: lex.add("no supported auth mechanisms", "no compatible authentication mechanisms", "no mechanism available", "no worthy mechs", "no authentication mechanisms supported", "missing authentication mechanism", "support plain", "support cram-md5", "support the plain", "no compatible authentication mechanism"),
		re:   lazyre.OnDemand(`(?i)offered no supported AUTH mechanisms|offered no compatible authentication mechanisms|no mechanism available|No worthy mechs found|No compatible authentication mechanisms? (?:was |were )?found|does(?: not|n't) support (?:the )?(?:AUTH )?(?:PLAIN|CRAM-MD5|DIGEST-MD5|NTLM|GSSAPI)(?: auth(?:entication)?)? (?:method|mechanism)|No authentication mechanisms supported by both server and client|missing authentication mechanism`)},
	// A client without credentials configured (nodemailer's EAUTH
	// "Missing credentials for \"PLAIN\"").
	{id: "nodemailer:missing-credentials", level: library, kind: transcript.KindProtocol, stage: transcript.Auth, named: true, find: &credsMissing,
		keys: lex.add("missing credentials"),
		re:   lazyre.OnDemand(`(?i)Missing credentials for`)},
	// System.Net.Mail's SR text for a 530/550 refusal of unauthenticated
	// mail; when it quotes the server's reply, the reply decides.
	{id: "dotnet:secure-connection-or-not-authenticated", level: library, kind: transcript.KindProtocol, stage: transcript.Mail, row: "not-authenticated",
		phrases: tolerant("The SMTP server requires a secure connection or the client was not authenticated"),
		keys:    lex.add("requires a secure connection"),
		re:      lazyre.OnDemand(`(?i)requires a secure connection or the client was not authenticated`)},
	// Horde's SMTP library names the refused recipients by its exception
	// class ("Horde_Smtp_Exception_Recipients": "the address was not
	// found, is unknown, or is not receiving messages").
	{id: "horde:recipients", level: library, kind: transcript.KindProtocol, stage: transcript.Rcpt, named: true, find: &rcptRefused,
		keys: lex.add("horde_smtp_exception_recipients"),
		re:   lazyre.OnDemand(`Horde_Smtp_Exception_Recipients`)},
	// Apache Commons Email wraps whatever failed in "Sending the email to
	// the following server failed : host:port" (Email.sendMimeMessage):
	// it names the endpoint, not the step; a cause pasted with it
	// decides.
	{id: "commons-email:send-failed", level: library, kind: transcript.KindProtocol,
		keys:    lex.add("sending the email to the following server failed"),
		re:      lazyre.OnDemand(`(?i)Sending the email to the following server failed`),
		phrases: tolerant("Sending the email to the following server failed")},
	// Outlook.com holds an account's sending until its owner signs in on
	// the web: MailCore2 reports Hotmail's "550 5.3.4" reply as
	// MCOErrorNeedsConnectToWebmail ("The current HotMail account cannot
	// connect to WebMail.", MCSMTPSession.cpp, NSError+MCO.mm); Mailspring
	// words the same "you must sign in via your webmail" and MailCore's
	// IMAP side "Login to your account via a web browser".
	{id: "mailcore:needs-webmail", level: library, kind: transcript.KindProtocol, find: &webLoginHold,
		keys:    lex.add("connect to webmail", "needsconnecttowebmail", "sign in via your webmail", "via a web browser", "needs to connect to webmail"),
		re:      lazyre.OnDemand(`(?i)cannot connect to WebMail|NeedsConnectToWebmail|Needs to connect to webmail|must sign in via your webmail|(?:sign|log) ?in (?:to your account )?via a web browser`),
		phrases: tolerant("The current HotMail account cannot connect to WebMail")},
	// A connection attempt that failed, in a library's words only
	// (Symfony/SwiftMailer, K-9 Mail, .NET, CDO's CDO_E_FAILED_TO_CONNECT
	// 0x80040213, MailCore's MCOErrorConnection): the reason, when the
	// text has it (timed out, refused), is an error sign of its own.
	{id: "client:could-not-establish", level: library, kind: transcript.KindProtocol, stage: transcript.Connect,
		phrases: tolerant("Unable to connect to the remote server", "Connection could not be established with host", "Unable to open connection to SMTP server",
			"The transport failed to connect to the server", "A stable connection to the server could not be established"),
		keys: lex.add("could not be established", "unable to open connection", "unable to connect to the remote server", "transport failed to connect", "establish a connection to the server", "80040213", "2147220973"),
		re:   lazyre.OnDemand(`(?i)Connection could not be established with host|Unable to open connection to SMTP server|Unable to connect to the remote server|The transport (?:failed to connect|couldn't establish a connection|could not establish a connection) to the server|\b80040213\b|-2147220973\b|stable connection to the server could not be established`)},
}

// Client-side errors that name no reply but a setting: PHP's stream layer
// has no transport for the scheme the application built ("Unable to find
// the socket transport \"starttls\"": starttls:// is no PHP transport;
// tcp:// with STARTTLS, or ssl:// with the openssl extension, is),
// System.Net.Mail's MailAddress refuses a malformed address (its SR
// string "The specified string is not in the form required for an e-mail
// address"), Ruby's Net::SMTP raises SMTPSyntaxError for a 500-504 reply
// (net/smtp.rb: the server refused a command as malformed).
var configWords = []wordRule{
	{id: "php:socket-transport", level: library, kind: transcript.KindProtocol, stage: transcript.Connect, named: true, strong: true, rank: 1, find: &noTransport,
		keys: lex.add("unable to find the socket transport"),
		re:   lazyre.OnDemand(`(?i)Unable to find the socket transport "?\w+"?`)},
	{id: "dotnet:address-format", level: library, kind: transcript.KindProtocol, rank: 1, find: &badAddress,
		keys: lex.add("form required for an e-mail address", "form required for an email address"),
		re:   lazyre.OnDemand(`(?i)not in the form required for an e-?mail address`)},
	// Exchange Server's event 12014 (MSExchangeTransport): no certificate
	// for the receive connector's FQDN, so the connector offers no STARTTLS.
	{id: "exchange:12014-no-certificate", level: library, kind: transcript.KindProtocol, stage: transcript.STARTTLS, strong: true, rank: 1, find: &noCertificate,
		keys: lex.add("starttls smtp verb"),
		re:   lazyre.OnDemand(`(?i)unable to support the STARTTLS SMTP verb`)},
	{id: "ruby:smtp-syntax-error", level: library, kind: transcript.KindProtocol, find: &syntaxRefused,
		keys: lex.add("smtpsyntaxerror"),
		re:   lazyre.OnDemand(`\bSMTPSyntaxError\b`)},
}

var (
	noTransport = wordFinding{cat: catalog.Config, step: 2,
		text:   "the application asked PHP for a connection scheme PHP does not have (its socket transport): the encryption setting is written into the host or scheme wrongly, so no connection was even tried",
		next:   "for port 587 set the host to the bare name (smtp.office365.com) with encryption \"tls\" (STARTTLS); for 465 use ssl:// and check PHP's openssl extension is enabled (php -m)",
		source: "PHP manual: stream_socket_client and \"List of Supported Socket Transports\" (tcp, ssl, tls; no starttls)"}
	badAddress = wordFinding{cat: catalog.Config, step: 5,
		text:   "the client refused an address as malformed before sending (a sender or recipient address with a typo, a stray character or several addresses in one field)",
		next:   "check the sender and recipient address settings for typos, spaces and separators (one address per field, or the separator the program expects)",
		source: "System.Net.Mail MailAddress (SR.MailAddressInvalidFormat)"}
	noCertificate = wordFinding{cat: catalog.TLSCat, step: 4,
		text:   "the Exchange server has no certificate for the name its receive connector answers with (its FQDN), so that connector offers no STARTTLS and TLS-requiring senders (Exchange Online, hybrid connectors) fail",
		next:   "install or renew a certificate whose subject or SAN holds the connector's FQDN and enable it for SMTP (Enable-ExchangeCertificate -Services SMTP), or set the connector's FQDN (or TlsCertificateName) to a name the certificate has; restart the transport service",
		source: "Exchange Server event 12014 (MSExchangeTransport, TransportService)"}
	syntaxRefused = wordFinding{cat: catalog.Config, step: 3,
		text:   "the server refused one of the client's commands as malformed (a 500-504 reply: the EHLO name, an address's format, or a command the server does not take on this port)",
		next:   "capture the SMTP session (the reply after the code names the command); check the client's host name (EHLO), the sender and recipient format and the port and encryption settings",
		source: "Ruby net/smtp (SMTPSyntaxError for 500-504 replies); RFC 5321 section 4.2.3"}
)

// whileStage maps Postfix's "while ..." phrase to its stage.
func whileStage(m string) transcript.Stage {
	u := strings.ToUpper(m)
	u = u[strings.LastIndex(u, " WHILE ")+len(" WHILE "):]
	switch {
	case strings.Contains(u, "GREETING"):
		return transcript.Banner
	case strings.Contains(u, "STARTTLS"), strings.Contains(u, "TLS HANDSHAKE"):
		return transcript.TLS
	}
	return stageOfPhrase(u)
}

// eximRejected maps Exim's "rejected RCPT" and the like to its stage.
func eximRejected(m string) transcript.Stage {
	u := strings.ToUpper(m)
	return localStage(strings.TrimPrefix(u[strings.LastIndex(u, "REJECTED ")+len("REJECTED "):], "AFTER "))
}

// afterStep maps Exim's "in response to EHLO", "SMTP timeout after
// RCPT TO" and "SMTP error from remote mail server after RCPT TO" (a
// line hint) to their stage.
func afterStep(m string) transcript.Stage {
	u := strings.ToUpper(m)
	for _, sep := range []string{" RESPONSE TO ", " AFTER "} {
		if i := strings.LastIndex(u, sep); i >= 0 {
			u = u[i+len(sep):]
			break
		}
	}
	switch {
	case strings.Contains(u, "INITIAL CONNECTION"):
		return transcript.Banner
	case strings.Contains(u, "END OF DATA"), strings.Contains(u, "DATA BLOCK"):
		return transcript.Data
	}
	return stageOfPhrase(u)
}

// The findings of library messages that the diagnosis by stage and kind
// cannot give (a refusal without the reply says only where it came).
var (
	dataRefused = wordFinding{cat: catalog.Policy, step: 5,
		text:   "the server refused the message at DATA or its end, after AUTH and the envelope were accepted: Microsoft 365 refuses a message there for its From address (SendAs, 5.7.60), its content or size, or the account's sending (outbound spam, sending limits)",
		next:   "capture the server's reply (PHPMailer SMTPDebug = 2): check that the From address is the authenticated mailbox or one it may send as, the message's size, and the account's sending limits and restrictions",
		source: "PHPMailer src/PHPMailer.php and language/*.php (data_not_accepted); " + srcFixIssuesNote, learn: learnFixIssuesPage}
	rcptRefused = wordFinding{cat: catalog.Recipient, step: 5,
		text:   "the server refused a recipient at RCPT TO: the address does not exist, or the sender, its IP or the tenant may not send to it",
		next:   "capture the server's reply to RCPT TO (SMTPDebug = 2): it says whether the recipient, the IP's reputation or a policy refused it",
		source: "PHPMailer language/*.php (recipients_failed)"}
	mailRefused = wordFinding{cat: catalog.Config, step: 9,
		text:   "the server refused the sender at MAIL FROM: on Microsoft 365 usually because the client did not authenticate (5.7.57) or the sender is not the authenticated mailbox (5.7.60)",
		next:   "set the From address to the mailbox the device authenticates as, and check that AUTH ran after STARTTLS; capture the reply to MAIL FROM (SMTPDebug = 2)",
		source: "PHPMailer language/*.php (from_failed); " + srcFixIssuesNote, learn: learnFixIssuesPage}
	noMechanism = wordFinding{cat: catalog.Config, step: 9,
		text:   "the client has no authentication mechanism in common with the server: Microsoft 365 offers AUTH LOGIN and XOAUTH2 (after STARTTLS), and the client's SASL library offers neither",
		next:   "install the client's SASL LOGIN plugin (Debian libsasl2-modules, Alpine cyrus-sasl-login) or an XOAUTH2 plugin (sasl-xoauth2), and check that smtp_sasl_mechanism_filter and smtp_sasl_security_options (Postfix) do not exclude them; restart the client",
		source: "Postfix smtp_sasl_glue.c, SASL_README (smtp_sasl_mechanism_filter); FACTS.md 2.1 (AUTH LOGIN XOAUTH2 after STARTTLS)", learn: learnSMTPAuthPage}
	localEximRefused = wordFinding{cat: catalog.Config, step: 1,
		text:   "the local mail server (Exim, not Microsoft 365) refused its own client: its settings do not admit this client, sender or recipient, so the message never left it for Microsoft 365",
		next:   "fix the relay's configuration, not the Microsoft 365 side: check relay_from_hosts (or SMTP AUTH for the client) and the ACL the reject names (acl_smtp_rcpt, acl_smtp_mail); then resend and look for the relay's own delivery to Microsoft 365 in its log",
		source: "Exim rejectlog (\"H=... rejected RCPT\"); RFC 5321 section 3.6.2 (relaying)"}
	webLoginHold = wordFinding{cat: catalog.Policy, step: 9, keepUnstaged: true,
		text:   "Outlook.com is holding this account's sending until its owner signs in on the web (outlook.live.com) and completes the check it asks for (a phone number, a code, unusual activity): the client's credentials are not what is refused",
		next:   "sign in to the mailbox at outlook.live.com in a browser from the same network, complete the verification Outlook.com shows, then retry; use OAuth (XOAUTH2) where the client supports it",
		source: "MailCore2 src/core/smtp/MCSMTPSession.cpp (550 5.3.4 is ErrorNeedsConnectToWebmail), NSError+MCO.mm; Mailspring MailsyncProcess error texts", learn: learnOutlookSignIn}
	credsMissing = wordFinding{cat: catalog.Config, step: 9,
		text:   "the client has no username or password configured, so it cannot authenticate",
		next:   "set the mailbox's full address as the username and its password (or an OAuth token) in the client",
		source: "nodemailer lib/smtp-connection (EAUTH Missing credentials)", learn: learnSMTPAuthPage}
)

// Microsoft pages and sources the library findings cite.
const (
	srcFixIssuesNote   = "MS fix-issues page (printers, scanners and LOB applications)"
	learnFixIssuesPage = "https://learn.microsoft.com/exchange/mail-flow-best-practices/fix-issues-with-printers-scanners-and-lob-applications-that-send-email-using-off"
	learnSMTPAuthPage  = "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission"
	learnDelistPage    = "https://learn.microsoft.com/defender-office-365/use-the-delist-portal-to-remove-yourself-from-the-office-365-blocked-senders-lis"
	learnLimitsPage    = "https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits"
	learnOutlookSignIn = "https://support.microsoft.com/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040"
)
