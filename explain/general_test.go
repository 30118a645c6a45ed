package explain

import (
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// generalCase is a short paste that shows one general rule, in a shape of
// its own (not the corpus text that pointed at the rule).
type generalCase struct {
	name, paste string
	cat         catalog.Category
	stage       transcript.Stage
	basis       Basis  // "" any
	summary     string // a word the summary must hold, "" none
}

// TestGeneralRules: each rule of round 4 on the smallest pastes that
// show it, and on near misses it must not fire on.
func TestGeneralRules(t *testing.T) {
	for _, tc := range generalCases {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := Transcript(tc.paste)
			v := res.Verdict
			if v.Category != tc.cat || v.Stage != tc.stage {
				t.Errorf("%s at %q, want %s at %q: %s", v.Category, v.Stage, tc.cat, tc.stage, v.Summary())
			}
			if tc.basis != "" && res.Basis.Basis != tc.basis {
				t.Errorf("stage basis %s, want %s (%s)", res.Basis.Basis, tc.basis, res.Basis.From)
			}
			if tc.summary != "" && !strings.Contains(v.Summary(), tc.summary) {
				t.Errorf("summary %q lacks %q", v.Summary(), tc.summary)
			}
		})
	}
}

var generalCases = []generalCase{
	// A local server refusing its own client: the relay's configuration,
	// at the command its log names.
	{name: "postfix smtpd reject with a queue id", paste: "Mar  3 10:00:01 relay postfix/submission/smtpd[811]: 4F2A1C0B12: reject: MAIL from printer.lan[10.0.0.9]: 553 5.7.1 <scan@contoso.com>: Sender address rejected: not owned by user scan; from=<scan@contoso.com> proto=ESMTP helo=<MFP>\n",
		cat: catalog.Config, stage: transcript.Mail, basis: Seen, summary: "not Microsoft 365"},
	{name: "postfix smtpd reject at connect", paste: "postfix/smtpd[9]: NOQUEUE: reject: CONNECT from unknown[203.0.113.5]: 554 5.7.1 <unknown[203.0.113.5]>: Client host rejected: Access denied; proto=SMTP\n",
		cat: catalog.Config, stage: transcript.Banner, basis: Seen},
	{name: "sendmail check_rcpt", paste: "sm-mta[2211]: x3BAt1: ruleset=check_rcpt, arg1=<bob@fabrikam.example>, relay=copier.lan [10.1.1.20], reject=550 5.7.1 <bob@fabrikam.example>... Relaying denied\n",
		cat: catalog.Config, stage: transcript.Rcpt, basis: Seen, summary: "sendmail"},
	{name: "exim rejected RCPT", paste: "2021-05-07 10:00:00 H=(copier) [10.1.1.20] F=<scan@contoso.com> rejected RCPT <bob@fabrikam.example>: relay not permitted\n",
		cat: catalog.Config, stage: transcript.Rcpt, basis: Seen, summary: "Exim"},
	{name: "the relay's smtp client quoting Microsoft is not a local refusal", paste: "postfix/smtp[12]: 4F2A1C0B12: to=<bob@fabrikam.example>, relay=contoso-com.mail.protection.outlook.com[52.101.1.2]:25, status=bounced (host contoso-com.mail.protection.outlook.com[52.101.1.2] said: 550 5.7.606 Access denied, banned sending IP [203.0.113.5] (in reply to RCPT TO command))\n",
		cat: catalog.Reputation, stage: transcript.Rcpt},
	// Library messages, in other shapes.
	{name: "commons email to 465", paste: "org.apache.commons.mail.EmailException: Sending the email to the following server failed : smtp.office365.com:465\n\tat org.apache.commons.mail.Email.sendMimeMessage(Email.java:1469)\n",
		cat: catalog.Config, stage: transcript.Unstaged, summary: "465"},
	{name: "commons email with its cause", paste: "EmailException: Sending the email to the following server failed : smtp.office365.com:587\nCaused by: javax.mail.AuthenticationFailedException: 535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [X.prod.outlook.com]\n",
		cat: catalog.AuthCat, stage: transcript.Auth},
	{name: "cdo connect failure by number", paste: "Error: -2147220973 while sending the scan report\n",
		cat: catalog.Network, stage: transcript.Connect},
	{name: "mailcore stable connection", paste: "Error Domain=MCOErrorDomain Code=1 \"A stable connection to the server could not be established.\"\n",
		cat: catalog.Network, stage: transcript.Connect},
	{name: "mailspring web sign-in", paste: "Sending failed: The server said you must sign in via your webmail.\n",
		cat: catalog.Policy, stage: transcript.Unstaged},
	{name: "java plaintext greeting", paste: "javax.net.ssl.SSLException: Unsupported or unrecognized SSL message\n",
		cat: catalog.TLSCat, stage: transcript.TLS},
	{name: "cfnetwork handshake", paste: "CFNetwork SSLHandshake failed (-9806)\n",
		cat: catalog.TLSCat, stage: transcript.TLS},
	{name: "exchange 5.7.1 not authenticated is at MAIL FROM", paste: "The server response was: 5.7.1 Client was not authenticated\n",
		cat: catalog.AuthCat, stage: transcript.Mail, basis: Inferred},
	// Exchange Online's sentences without their codes.
	{name: "anonymous mail sentence in prose", paste: "the copier says the client is not authenticated to send mail, what now?\n",
		cat: catalog.AuthCat, stage: transcript.Mail},
	{name: "direct send identifier", paste: "rejected with TenantInboundAttribution again\n",
		cat: catalog.Policy, stage: transcript.Rcpt},
	{name: "localised reply by its codes", paste: "SMTPSendFailedException: 451 5.7.3 发送邮件需要 STARTTLS [X.CHNPR01.prod.partner.outlook.cn]\n",
		cat: catalog.TLSCat, stage: transcript.Mail},
	{name: "a typo in a library sentence", paste: "Send-MailMessage : Unable to connect to the remote sever\n",
		cat: catalog.Network, stage: transcript.Connect},
	// A client set to TLS at connect against Microsoft 365.
	{name: "nodemailer secure true times out", paste: "const t = nodemailer.createTransport({ host: 'smtp.office365.com', port: 587, secure: true })\nError: connect ETIMEDOUT 52.96.1.2:587\n",
		cat: catalog.Config, stage: transcript.Connect, summary: "secure: true"},
	{name: "python SMTP_SSL on 587", paste: "server = smtplib.SMTP_SSL('smtp.office365.com', 587)\nTimeoutError: [Errno 110] Connection timed out\n",
		cat: catalog.Config, stage: transcript.Connect, summary: "SMTP_SSL"},
	{name: "javamail ssl.enable with a TLS error", paste: "spring.mail.host=smtp.office365.com\nspring.mail.port=587\nspring.mail.properties.mail.smtp.ssl.enable=true\njavax.net.ssl.SSLException: Unsupported or unrecognized SSL message\n",
		cat: catalog.Config, stage: transcript.TLS},
	{name: "implicit TLS to another server is not Microsoft's misfit", paste: "host: 'mail.fabrikam.example', port: 587, secure: true\nError: connect ETIMEDOUT 198.51.100.7:587\n",
		cat: catalog.Network, stage: transcript.Connect},
	{name: "EnableSsl is STARTTLS", paste: "client.EnableSsl = true; // smtp.office365.com, 587\nSystem.Net.Mail.SmtpException: Failure sending mail. ---> System.Net.WebException: Unable to connect to the remote server\n",
		cat: catalog.Network, stage: transcript.Connect},
	// Words of a device, a mail service and an NDR without any code.
	{name: "mfp ssl negotiation failed", paste: "Scan to e-mail: Cannot connect to SMTP server. SSL negotiation failed.\n", cat: catalog.TLSCat, stage: transcript.TLS},
	{name: "gmail send-as state", paste: "Server returned error: \"TLS Negotiation failed, the certificate doesn't match the host., code: 0\" Missed upload deadline (9.99s) (state SENT_STARTTLS)\n", cat: catalog.TLSCat, stage: transcript.TLS},
	{name: "gmail send-as state ehlo", paste: "Missed download deadline (10s) (state SENT_EHLO), code: 0\n", cat: catalog.Network, stage: transcript.EHLO},
	{name: "german ndr mailbox full", paste: "Die Nachricht konnte nicht zugestellt werden. Das Postfach des Empfängers ist voll und kann zurzeit keine Nachrichten annehmen.\n", cat: catalog.Recipient, stage: transcript.Rcpt},
	// A clean capture cut mid-session beside a failure it does not show
	// proves nothing either way; "without any errors" is no failure.
	{name: "cut capture beside a reported error", paste: "I get an error code 296 on the SMTP part.\n220 X.outlook.office365.com Microsoft ESMTP MAIL Service ready\ninit\nEHLO PC\n250-X Hello [203.0.113.9]\n250 STARTTLS\nstart TLS\nSTARTTLS\n220 2.0.0 SMTP server ready\ndone\n",
		cat: NoEvidence, stage: transcript.Unstaged},
	{name: "cut capture, no error reported", paste: "emails are failing without any errors, the log looks fine:\n220 X.outlook.office365.com Microsoft ESMTP MAIL Service ready\nEHLO PC\n250-X Hello [203.0.113.9]\n250 STARTTLS\n",
		cat: catalog.OK, stage: transcript.EHLO},
	// Exim's debug lines start with the process id: "510 T: ..." is no reply.
	{name: "exim debug pid", paste: "  510 T: remote_smtp for a@contoso.com\n  510 Connecting to contoso-com.mail.protection.outlook.com [104.47.21.36]:25 ... connected\n  510   SMTP<< 220 X.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready\n  510   SMTP>> EHLO relay.contoso.com\n  510   SMTP<< 250-X Hello [203.0.113.9]\n  510          250 SMTPUTF8\n",
		cat: catalog.OK, stage: transcript.EHLO},
	{name: "test-netconnection failed", paste: "WARNING: TCP connect to (40.100.28.210 : 587) failed\nWARNING: Ping to 40.100.28.210 failed with status: TimedOut\n",
		cat: catalog.Network, stage: transcript.Connect},
	{name: "login or connection refused", paste: "actual behavior: Unauthorized password or connection refused.\n", cat: catalog.AuthCat, stage: transcript.Auth},
	// Set I and J's shapes: a reply's words are not a socket error of
	// their own; TLS's "authentication" is not SMTP AUTH; a bounce whose
	// folding was lost; credentials sent and never answered; a port block
	// is not a block list; no SMTP reply is no proof of a working session.
	{name: "enhanced reply with timeout words", paste: "We got a \"Connection timed out\" exception.\nSmtpCommandException: 4.4.1 Connection timed out\n   at MailKit.Net.Smtp.SmtpClient.ProcessMailFromResponse(SmtpResponse response)\n",
		cat: catalog.Service, stage: transcript.Mail},
	// An MTA that tried the host's IPv6 address first, then delivered over
	// IPv4: the delivery is the outcome.
	{name: "connect failed then delivered", paste: "Dec  3 10:00:01 host postfix/smtp[1234]: connect to contoso-com.mail.protection.outlook.com[2a01:111:f403:c901::1]:25: Network is unreachable\nDec  3 10:00:02 host postfix/smtp[1234]: 4F2A31234: to=<a@contoso.com>, relay=contoso-com.mail.protection.outlook.com[52.101.68.1]:25, delay=1.2, dsn=2.6.0, status=sent (250 2.6.0 <id@host> Queued mail for delivery)\n",
		cat: catalog.OK, stage: transcript.Data},
	{name: "connect failed, nothing delivered", paste: "Dec  3 10:00:01 host postfix/smtp[1234]: connect to contoso-com.mail.protection.outlook.com[2a01:111:f403:c901::1]:25: Network is unreachable\n",
		cat: catalog.Network, stage: transcript.Connect},
	{name: "nodemailer error object as JSON", paste: "SMTP mail server smtp.office365.com failed: {\"code\":\"ESOCKET\",\"command\":\"CONN\"}\n",
		cat: catalog.Network, stage: transcript.Connect},
	{name: "sslstream transport stream", paste: "##[error]Authentication failed because the remote party has closed the transport stream.\n", cat: catalog.TLSCat, stage: transcript.TLS},
	{name: "bounce with in reply to unindented", paste: "<a@example.ch>: host mx.example.ch[192.0.2.5] said:\n554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org -\n https://www.spamhaus.org/query/ip/198.51.100.7\n(in reply to RCPT TO command)\n",
		cat: catalog.Reputation, stage: transcript.Rcpt},
	{name: "credentials sent, no answer", paste: "S: 220 X.outlook.office365.com Microsoft ESMTP MAIL Service ready\nC: EHLO pc\nS: 250-X Hello [203.0.113.9]\nS: 250 AUTH LOGIN XOAUTH2\nC: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ********\nS: 334 UGFzc3dvcmQ6\nC: ********\n",
		cat: NoEvidence, stage: transcript.Auth, basis: Seen},
	{name: "port 25 blocked by the host", paste: "It is a common problem that when you rent a server the outbound port 25 is blocked; ask them to get the port unblocked.\n", cat: catalog.Network, stage: transcript.Connect},
	{name: "an IMAP log has no SMTP reply", paste: "C: a1 AUTHENTICATE XOAUTH2\nS: a1 OK AUTHENTICATE completed.\nC: a2 SELECT INBOX\nS: a2 OK [READ-WRITE] SELECT completed.\n", cat: NoEvidence, stage: transcript.Unstaged},
	{name: "relay access denied is RCPT", paste: "Resposta do Servidor: 454 4.7.1 <x@example.pt>: Relay access denied\n", cat: catalog.Policy, stage: transcript.Rcpt},
	{name: "java exception names are no DNS error", paste: "DEBUG: java.io.FileNotFoundException: /usr/lib/jvm/jre/lib/javamail.providers (No such file or directory)\nDEBUG: !anyLoaded\n", cat: NoEvidence, stage: transcript.Unstaged},
	{name: "size limit in a library's words", paste: "Horde_Smtp_Exception: Message size exceeds fixed limit\n", cat: catalog.Policy, stage: transcript.Data},
	{name: "tenant SMTP client disabled, shortened", paste: "Sending failed SMTPclient is disabled for the tenant\n", cat: catalog.AuthCat, stage: transcript.Auth},
	{name: "prose: the login is rejected", paste: "since MFA was enforced the scanner's login is rejected\n", cat: catalog.AuthCat, stage: transcript.Auth, basis: Inferred},
	// Set N's shapes.
	{name: "python 2 smtplib tuple", paste: "NotificationException: (535, '5.7.3 Authentication unsuccessful [VI1PR0802CA0045.eurprd08.prod.outlook.com]')\n", cat: catalog.AuthCat, stage: transcript.Auth},
	{name: "535 alone answers AUTH", paste: "event=\"write\" data=\"535 5.7.8 Authentication credentials invalid.\\r\\n\" size=47\n", cat: catalog.AuthCat, stage: transcript.Auth},
	{name: "exim after RCPT TO with a 4xx", paste: "  308   SMTP<< 220 mx.example.com ESMTP\n  308   SMTP<< 451 Internal resource temporarily unavailable\n  308   H=mx.example.com [192.0.2.7]: SMTP error from remote mail server after RCPT TO:<a@example.com>: 451 Internal resource temporarily unavailable\n",
		cat: catalog.Service, stage: transcript.Rcpt},
	{name: "dotnet GetConnection timeout is the connection", paste: "System.Net.Mail.SmtpException: Failure sending mail.\n---> System.IO.IOException: Unable to read data from the transport connection: A connection attempt failed because the connected party did not properly respond after a period of time\n   at System.Net.Mail.SmtpConnection.GetConnection(ServicePoint servicePoint)\n",
		cat: catalog.Network, stage: transcript.Connect},
	{name: "french sending quota", paste: "\"Quota d'envoi de mails dépassé\" et je suis bloqué\n", cat: catalog.Policy, stage: transcript.Unstaged},
	{name: "5.1.1 answers RCPT TO", paste: "Invalid Addresses 550 5.1.1 no such user\n", cat: catalog.Recipient, stage: transcript.Rcpt},
	{name: "horde recipients exception", paste: "\"Exception\": \"Horde_Smtp_Exception_Recipients\",\n", cat: catalog.Recipient, stage: transcript.Rcpt},
	{name: "greylisted at RCPT", paste: "postfix/smtpd[1]: NOQUEUE: reject: RCPT from blu004.hotmail.com[65.55.111.171]: 450 4.2.0 <d@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/\n",
		cat: catalog.Policy, stage: transcript.Rcpt},
	// Set M's shapes: pages and mail clients quoting replies.
	{name: "outlook express server response", paste: "The server responded: 451 please authenticate\n   Protocol: SMTP, Server Response: 451 user@domain.tld please authenticate before send', Port: 25, Secure(SSL): No, Server Error: 451, Error Number: 0x800CCC78\n",
		cat: catalog.AuthCat, stage: transcript.Mail},
	{name: "hard-wrapped block list reply", paste: "550 SC-001 (BAY004-MC4F49) Unfortunately, messages from \nweren't sent. Please contact your Internet service provider since part of \ntheir network is on our block list. You can also refer your provider to\n",
		cat: catalog.Reputation, stage: transcript.Unstaged},
	{name: "enhanced code then an ellipsis", paste: "5.7.1 ... must use TLS ...\n", cat: catalog.TLSCat, stage: transcript.Unstaged},
	{name: "proxy session wrapper", paste: "550 5.7.0 Proxy session setup failed on Frontend with '554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain'\n", cat: catalog.Recipient, stage: transcript.Unstaged},
	// Mail flow intelligence's 4.7.320: Exchange Online's TLS with the next hop (catalog/rows_mfi.go).
	{name: "certificate subject mismatch", paste: "Reason: [{LED=450 4.7.320 Certificate validation failed [Message=SubjectMismatch] [LastAttemptedServerName=mail.contoso.com]};{MSG=SubjectMismatch}]\n", cat: catalog.TLSCat, stage: transcript.TLS},
	{name: "mailbox full is not a store fault", paste: "Remote Server returned '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded'\n", cat: catalog.Recipient, stage: transcript.Unstaged},
	// Sets K and L's shapes.
	{name: "packet dump arrows, quit at the AUTH prompt", paste: "--> 220 relay ESMTP\n<-- EHLO XC-B8C463\n--> 250-relay\n<-- 250 AUTH LOGIN PLAIN\n--> AUTH LOGIN\n<-- 334 VXNlcm5hbWU6\n--> QUIT\n",
		cat: catalog.AuthCat, stage: transcript.Auth, basis: Seen},
	{name: "erlang tls alert", paste: "{:network_failure, 'smtp.office365.com', {:error, {:tls_alert, 'bad record mac'}}}\n", cat: catalog.TLSCat, stage: transcript.TLS},
	{name: "imap client got the smtp greeting", paste: "imaplib.IMAP4.abort: unexpected response: b'220 X.outlook.office365.com Microsoft ESMTP MAIL Service ready at Fri, 17 Jan 2025 15:03:47 +0000'\n",
		cat: catalog.Config, stage: transcript.Banner},
	{name: "all recipient addresses rejected", paste: "adding outlook \"all recipient addresses rejected\"\n", cat: catalog.Recipient, stage: transcript.Rcpt},
	{name: "ndr: provider rejected it", paste: "Your message wasn't delivered because the recipient's email provider rejected it.\n", cat: catalog.Policy, stage: transcript.Unstaged},
	// A program's log that quits where AUTH was due gave up for want of
	// credentials; a person's test that quits after EHLO stays ok, and so
	// does a session where no AUTH was offered.
	{name: "library quits where AUTH was offered", paste: phpQuit("250-AUTH LOGIN XOAUTH2250-8BITMIME"), cat: catalog.AuthCat, stage: transcript.Auth, basis: Inferred, summary: "LOGIN XOAUTH2"},
	{name: "library quits, no AUTH offered", paste: phpQuit("250-8BITMIME"), cat: catalog.OK, stage: transcript.EHLOTLS},
	{name: "telnet quits after EHLO", paste: "220 x.outlook.office365.com Microsoft ESMTP MAIL Service ready\nEHLO test\n250-x Hello [203.0.113.9]\n250-AUTH LOGIN XOAUTH2\n250 SMTPUTF8\nQUIT\n221 2.0.0 Service closing transmission channel\n",
		cat: catalog.OK, stage: transcript.EHLO},
	{name: "a server reply means the connection worked", paste: "secure: true, host smtp.office365.com\n535 5.7.139 Authentication unsuccessful, basic authentication is disabled.\n",
		cat: catalog.AuthCat, stage: transcript.Auth},
	// IIS SMTP service's W3C log: a reply answers the last command of its
	// pipelined group, so the 5.7.60 answers BDAT, not the second RCPT.
	{name: "iis relay to exchange online", paste: strings.Join([]string{
		"2024-05-02 10:00:01 40.97.132.226 OutboundConnectionCommand SMTPSVC1 RELAY01 - 0 MAIL - FROM:<scan@contoso.com>+SIZE=2357 0 0 4 0 3891 SMTP - - - -",
		"2024-05-02 10:00:01 40.97.132.226 OutboundConnectionResponse SMTPSVC1 RELAY01 - 0 - - 250+2.1.0+Sender+OK 0 0 19 0 4094 SMTP - - - -",
		"2024-05-02 10:00:01 40.97.132.226 OutboundConnectionCommand SMTPSVC1 RELAY01 - 0 RCPT - TO:<a@contoso.com> 0 0 4 0 4094 SMTP - - - -",
		"2024-05-02 10:00:01 40.97.132.226 OutboundConnectionCommand SMTPSVC1 RELAY01 - 0 RCPT - TO:<b@contoso.com> 0 0 4 0 4094 SMTP - - - -",
		"2024-05-02 10:00:01 40.97.132.226 OutboundConnectionResponse SMTPSVC1 RELAY01 - 0 - - 250+2.1.5+Recipient+OK 0 0 22 0 4204 SMTP - - - -",
		"2024-05-02 10:00:01 40.97.132.226 OutboundConnectionCommand SMTPSVC1 RELAY01 - 0 BDAT - 2357+LAST 0 0 4 0 4204 SMTP - - - -",
		"2024-05-02 10:00:02 40.97.132.226 OutboundConnectionResponse SMTPSVC1 RELAY01 - 0 - - 550+5.7.60+SMTP;+Client+does+not+have+permissions+to+send+as+this+sender 0 0 116 0 11485 SMTP - - - -",
	}, "\n"), cat: catalog.Policy, stage: transcript.Data, basis: Seen},
	{name: "iis receives a printer's session", paste: strings.Join([]string{
		"2024-05-02 10:00:01 192.168.1.50 MFP01 SMTPSVC1 RELAY01 192.168.1.10 0 EHLO - +MFP01 250 0 220 12 0 SMTP - - - -",
		"2024-05-02 10:00:01 192.168.1.50 MFP01 SMTPSVC1 RELAY01 192.168.1.10 0 MAIL - +FROM:<scan@contoso.com> 250 0 50 30 0 SMTP - - - -",
		"2024-05-02 10:00:01 192.168.1.50 MFP01 SMTPSVC1 RELAY01 192.168.1.10 0 RCPT - +TO:<a@contoso.com> 250 0 40 25 0 SMTP - - - -",
		"2024-05-02 10:00:02 192.168.1.50 MFP01 SMTPSVC1 RELAY01 192.168.1.10 0 DATA - <id@RELAY01> 250 0 120 90000 0 SMTP - - - -",
		"2024-05-02 10:00:02 192.168.1.50 MFP01 SMTPSVC1 RELAY01 192.168.1.10 0 QUIT - RELAY01 240 0 70 4 0 SMTP - - - -",
	}, "\n"), cat: catalog.OK, stage: transcript.Data},
	// WP Mail SMTP prints PHPMailer's ErrorInfo before the debug output;
	// "SMTP connect() failed" beside a session that reached AUTH is not a
	// failure at connect (smtpConnect() returns false for AUTH too).
	{name: "smtp connect() failed beside a session at auth", paste: "ErrorInfo: SMTP connect() failed. https://github.com/PHPMailer/PHPMailer/wiki/Troubleshooting\nSMTP Debug:\n" +
		strings.Replace(phpQuit("250-AUTH LOGIN XOAUTH2"), "CLIENT -> SERVER: QUIT\n2024-03-13 13:35:07 SERVER -> CLIENT: 221 2.0.0 Service closing transmission channel", "CLIENT -> SERVER: AUTH LOGIN", 1),
		cat: NoEvidence, stage: transcript.Auth, summary: "began AUTH"},
	// The command a text names beside a reply: Exim's "for MAIL FROM
	// command", qmail-remote's "but sender was rejected" on the line
	// before, Gmail's "(EHLO)" after the reply, the DragonFly Mail Agent's
	// "did not like our final DATA:" above it.
	{name: "exim: for mail from command", paste: "SMTP error from remote server for MAIL FROM command, host: mx.example.net (192.0.2.7) reason: 550 5.7.1 Sender blocked\n",
		cat: catalog.Policy, stage: transcript.Mail, basis: Seen},
	{name: "qmail: but sender was rejected", paste: "<a@example.net>:\nConnected to 192.0.2.7 but sender was rejected.\nRemote host said: 550 Sender refused\n",
		cat: catalog.Policy, stage: transcript.Mail, basis: Seen},
	{name: "qmail: does not like recipient", paste: "<a@example.net>:\n192.0.2.7 does not like recipient.\nRemote host said: 550 5.1.1 No such user here\n",
		cat: catalog.Recipient, stage: transcript.Rcpt, basis: Seen},
	{name: "gmail names the command", paste: "Error: 421 4.7.0 Try again later, closing connection. (EHLO) v6-20020a50c4.43 - gsmtp\n", cat: catalog.Service, stage: transcript.EHLO, basis: Seen},
	{name: "dma: did not like our final data", paste: "mx.example.net [192.0.2.7] did not like our final DATA:\n550-5.7.1 Message refused by\n550 5.7.1 the content filter\n", cat: catalog.Policy, stage: transcript.Data, basis: Seen},
	// A multi-line reply run into one line is one reply: the words before
	// its first line name its command.
	{name: "run-together multi-line reply", paste: "Mail command failed: 530-5.7.0 Authentication Required. Learn more at 530 5.7.0 https://support.google.com/mail/?p=WantAuthError x1 - gsmtp\n",
		cat: catalog.AuthCat, stage: transcript.Mail, basis: Seen},
	// A bounce quoted in a reply under the reporter's own words.
	{name: "quoted bounce under prose", paste: "> The mail system\n>\n>     <a@example.net>: host mx.example.net[192.0.2.7] said: 553 5.7.2\n>     [TSS06] All messages from 203.0.113.9 will be permanently deferred\n>     (in reply to MAIL FROM command)\n\nMy server is not blacklisted.\n",
		cat: catalog.Reputation, stage: transcript.Mail, basis: Seen},
	// turborepo's prefix before every line of a nodemailer stack.
	{name: "runner prefix", paste: "@acme/web:start: Error: Invalid login: 535 5.7.3 Authentication unsuccessful\n@acme/web:start:     at SMTPConnection._formatError (index.js:798:19)\n@acme/web:start:     at SMTPConnection._actionAUTHComplete (index.js:1577:34)\n",
		cat: catalog.AuthCat, stage: transcript.Auth},
	// A DSN whose Diagnostic-Code holds the reply's words alone.
	{name: "dsn status with a diagnostic of words", paste: "Final-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; Unauthenticated email from example.org is not accepted due to domain's DMARC policy.\n",
		cat: catalog.Policy, stage: transcript.Unstaged},
	{name: "dsn success status is no refusal", paste: "Final-Recipient: rfc822; a@example.net\nAction: delivered\nStatus: 2.0.0\nDiagnostic-Code: smtp; Message accepted\n",
		cat: NoEvidence, stage: transcript.Unstaged},
	// Go's net/smtp error after a wrapper's words; a library's "msg:".
	{name: "reply after 'SMTP server,'", paste: "SendMail: Failed to close connection to SMTP server, 553 Relaying disallowed as contact@example.org\n", cat: catalog.Policy, stage: transcript.Mail},
	{name: "reply after msg:", paste: "Error: SMTP code:530 msg:530 SMTP authentication is required.\n", cat: catalog.AuthCat, stage: transcript.Unstaged},
	// Chilkat's log; a configuration value named like an error is not one.
	{name: "chilkat log", paste: "ConnectTimeoutMs_1: 30000\nSmtpCmdSent: AUTH LOGIN\nSmtpCmdResp: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.\n",
		cat: catalog.AuthCat, stage: transcript.Auth, basis: Seen},
	{name: "a timeout setting is no timeout", paste: "SmtpHost: smtp.office365.com\nConnectTimeoutMs_1: 30000\nSmtpCmdResp: 220 X.outlook.office365.com Microsoft ESMTP MAIL Service ready\n",
		cat: catalog.OK, stage: transcript.Banner},
	// Outlook.com's submission host answered by a web host's Exim.
	{name: "outlook.com host, another server's banner", paste: "2017-04-24 13:07:50 Connection: opening to smtp-mail.outlook.com:587, timeout=300, options=array ()\n2017-04-24 13:07:50 Connection: opened\n2017-04-24 13:07:50 SERVER -> CLIENT: 220-premium12.example.nl ESMTP Exim 4.89 #1\n",
		cat: catalog.Firewall, stage: transcript.Banner},
	// The codes in parentheses after the quoted words are theirs.
	{name: "codes after quoted words", paste: "it would return `Recipient address rejected: Message rejected due to: SPF fail - not authorized. ` (550 5.7.23)\n",
		cat: catalog.Policy, stage: transcript.Rcpt},
	// CPP-SMTPClient-library's log: lower-case arrows, CRLFs written out,
	// a multi-line reply's further lines without a prefix.
	{name: "cpp-smtpclient log", paste: "c: Trying to connect to mx.example.net on port 25\ns: 220-mx.example.net ESMTP Postfix\nc: Connected!\nc: ehlo host.example.org\\r\\n\ns: 250-mx.example.net\n250-STARTTLS\n250 CHUNKING\nc: STARTTLS\\r\\n\ns: 220 2.0.0 Ready to start TLS\nc: <Start TLS negotiation>\nc & s: <Negotiate a TLS session>\nc: TLS session ready!\nc: ehlo host.example.org\\r\\n\ns: 250-mx.example.net\n250 CHUNKING\nc: MAIL FROM:<a@example.org>\\r\\n\ns: 250 2.1.0 Ok\nc: RCPT TO:<b@example.net>\\r\\n\ns: 550 5.5.1 Protocol error\n",
		cat: catalog.Config, stage: transcript.Rcpt, basis: Seen},
	// Sets Y and Z's shapes (the texts are not in the repository).
	{name: "smtplib debug with its backslashes eaten", paste: "send: 'ehlo [10.0.0.5]rn'\nreply: b'250-smtp.office365.com Hellorn'\nreply: b'250-STARTTLSrn'\nreply: b'250 SMTPUTF8rn'\nsend: 'STARTTLSrn'\nreply: b'220 2.0.0 SMTP server readyrn'\nsend: 'ehlo [10.0.0.5]rn'\nreply: b'250-smtp.office365.com Hellorn'\nreply: b'250 AUTH LOGIN XOAUTH2rn'\nsend: 'mail FROM:<a@contoso.com>rn'\nreply: b'250 2.1.0 Sender OKrn'\nsend: 'rcpt TO:<b@contoso.com>rn'\nreply: b'250 2.1.5 Recipient OKrn'\nsend: 'datarn'\nreply: b'354 Start mail inputrn'\nreply: b'250 2.0.0 OK [Hostname=AM0PR]rn'\n", cat: catalog.OK, stage: transcript.Data},
	{name: "send on behalf denied, German NDR", paste: "Die folgenden Empfänger können nicht erreicht werden:\nSie besitzen nicht die Berechtigung, im Auftrag des angegebenen Benutzers zu senden.\n", cat: catalog.Policy, stage: transcript.Data},
	{name: "mail flow intelligence DNS query failed", paste: "Remote Server returned '550 5.4.312 DNS query failed. The error was: DNS query failed with error InfoNoRecords'\n", cat: catalog.Network, stage: transcript.Resolve},
	{name: "DBEB every recipient", paste: "Error: 550 5.4.1 All recipient addresses rejected : Access denied. AS(201806281)\n", cat: catalog.Recipient, stage: transcript.Rcpt},
	{name: "nodemailer message failed without fields", paste: "Error: Message failed: 550 The from address does not match a verified Sender Identity.\n", cat: catalog.Policy, stage: transcript.Data},
	{name: "relay log of two deliveries: the Microsoft host's refusal decides", paste: "Mar  3 10:11:12 mail postfix/smtp[1234]: 3F2A1: to=<a@hotmail.com>, relay=hotmail-com.olc.protection.outlook.com[104.47.58.33]:25, dsn=4.0.0, status=deferred (host hotmail-com.olc.protection.outlook.com[104.47.58.33] said: 421 RP-001 (BAY004-MC1F12) Unfortunately, some messages from 203.0.113.7 weren't sent. Please try again. We have limits for how many messages can be sent per hour and per day. (in reply to MAIL FROM command))\nMar  3 10:11:14 mail postfix/smtp[1235]: 3F2B2: to=<b@yahoo.com>, relay=mta7.am0.yahoodns.net[67.195.204.72]:25, dsn=4.7.0, status=deferred (host mta7.am0.yahoodns.net[67.195.204.72] refused to talk to me: 421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume or user complaints)\n", cat: catalog.Reputation, stage: transcript.Mail},
	// Sets AA-AC's shapes.
	{name: "PHP has no starttls:// transport", paste: "ERROR: Connection could not be established with host smtp.office365.com :stream_socket_client(): unable to connect to starttls://smtp.office365.com:587 (Unable to find the socket transport \"starttls\" - did you forget to enable it when you configured PHP?)\n", cat: catalog.Config, stage: transcript.Connect},
	{name: "System.Net.Mail address format", paste: "Cannot send mails to mail server. (The specified string is not in the form required for an e-mail address.)\n", cat: catalog.Config, stage: transcript.Unstaged},
	{name: "Ruby SMTPSyntaxError without its reply", paste: "Can't use Channel::Driver::Smtp: #<Net::SMTPSyntaxError: Net::SMTPSyntaxError>\n", cat: catalog.Config, stage: transcript.Unstaged},
	{name: "mbedTLS invalid record beside a connect failure", paste: "[E][ssl_client.cpp:33] handle_error(): SSL - An invalid SSL record was received\n[E][ESP32_MailClient.cpp:1245] could not connect to server\n", cat: catalog.TLSCat, stage: transcript.TLS},
	{name: "Python 2 smtplib's unicode send", paste: "send: 'ehlo [10.0.2.15]\\r\\n'\nreply: '250-smtp.googlemail.com at your service\\r\\n'\nreply: '250 AUTH LOGIN PLAIN\\r\\n'\nsend: u'mail FROM:<a@gmail.com> size=1752\\r\\n'\nreply: '530-5.5.1 Authentication Required. Learn more at\\r\\n'\nreply: '530 5.5.1  https://support.google.com/mail/answer/14257 gsmtp\\r\\n'\n", cat: catalog.AuthCat, stage: transcript.Mail},
	{name: "OpenSMTPD's failed command arrow", paste: "smtp-in: Failed command on session 7818378b78e6ffe0: \"RCPT TO:<kanzer@darkmail.mx>\" => 550 Invalid recipient\n", cat: catalog.Recipient, stage: transcript.Rcpt},
	{name: "a reply after an arrow, in prose", paste: "The message was rejected because of Sender Policy Framework violation -> 550 Please ensure the email service you are sending from either has SPF, DKIM, or is a top-ranked domain.\n", cat: catalog.Policy, stage: transcript.Unstaged},
	{name: "PHPMailer debug in Apache's error log", paste: "SMTP (level 1): CLIENT -> SERVER: .\\r\\n, referer: https://example.com/new_user.php\nSMTP (level 2): SERVER -> CLIENT: 250 ok 1606750475 qp 23690\\r\\n, referer: https://example.com/new_user.php\nSMTP (level 1): CLIENT -> SERVER: QUIT\\r\\n, referer: https://example.com/new_user.php\nSMTP (level 2): SERVER -> CLIENT: 221 smtp.example.com\\r\\n, referer: https://example.com/new_user.php\n", cat: catalog.OK, stage: transcript.Unstaged},
	{name: "a local server's unknown mailbox is the recipient's", paste: "Jul 28 09:45:03 box postfix/smtpd[698622]: NOQUEUE: reject: RCPT from mail-qv1-xf49.google.com[2607:f8b0:4864:20::f49]: 550 5.1.1 <dmarc@example.org>: Recipient address rejected: User unknown in local recipient table; from=<a@google.com> to=<dmarc@example.org> proto=ESMTP helo=<mail-qv1-xf49.google.com>\n", cat: catalog.Recipient, stage: transcript.Rcpt},
	{name: "Gmail's unsolicited-mail rate limit", paste: "status=deferred (host alt1.aspmx.l.google.com[74.125.28.26] said: 421-4.7.28 Our system has detected an unusual rate of 421-4.7.28 unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily 421 4.7.28 rate limited. (in reply to end of DATA command))\n", cat: catalog.Reputation, stage: transcript.Data},
	{name: "Exchange's DNS query failed in a queue's LastError", paste: "LastError: 451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain\n", cat: catalog.Network, stage: transcript.Resolve},
	{name: "Exchange server authentication between servers", paste: "451 4.4.0 Primary target IP address responded with: \"451 5.7.3 Cannot achieve Exchange Server authentication.\" Attempted failover to alternate host, but that did not succeed.\n", cat: catalog.AuthCat, stage: transcript.Unstaged},
	{name: "next hop's connection dropped", paste: "451 4.4.0 Primary target IP address responded with \"421 4.4.2 connection dropped due to timeout\"\n", cat: catalog.Network, stage: transcript.Unstaged},
	{name: "Exchange event 12014", paste: "Microsoft Exchange could not find a certificate that contains the domain name mail.contoso.com in the personal store on the local computer. Therefore, it is unable to support the STARTTLS SMTP verb for the connector Default internal receive connector MAILGATE.\n", cat: catalog.TLSCat, stage: transcript.STARTTLS},
	{name: "recipient size limit", paste: "#550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient ##\n", cat: catalog.Policy, stage: transcript.Data},
	{name: "Dutch Outlook server response", paste: "Kan het bericht niet verzenden. Protocol: SMTP, reactie van server: '550 <iemand@example.com>... Doorsturen geweigerd ', poort: 25, beveiligd (SSL): Nee, serverfout: 550, foutnummer: 0x800CCC79.\n", cat: catalog.Policy, stage: transcript.Rcpt},
	{name: "invalid EHLO domain", paste: "Error: 501 5.5.4 Invalid domain name [AM0PR02CA0105.eurprd02.prod.outlook.com]\n", cat: catalog.Config, stage: transcript.EHLO},
	{name: "PHPMailer log that ends while connecting", paste: "2023-01-10 08:00:01 Connection: opening to smtp.office365.com:587, timeout=300, options=array()\n", cat: catalog.Network, stage: transcript.Connect},
	{name: "a bare reply in an XML element", paste: "<?xml version=\"1.0\" encoding=\"UTF-8\"?> <error> <name>Net::SMTPServerBusy</name> <message>454 Throttling failure: Daily message quota exceeded. </message> </error>\n", cat: catalog.Policy, stage: transcript.Unstaged, summary: "exceeded.\""},
	{name: "a bare reply after message:", paste: "delivery failed, message: 550 Relay not permitted for this sender\n", cat: catalog.Policy, stage: transcript.Rcpt},
	{name: "bare Error line of another program", paste: "Error: Net::SMTPAuthentificationError\n", cat: catalog.AuthCat, stage: transcript.Auth},
}

// phpQuit is a PHPMailer debug log (multi-line replies printed without
// their CRLFs) that quits after the post-TLS EHLO, whose middle is caps.
func phpQuit(caps string) string {
	return strings.Join([]string{
		"2024-03-13 13:35:06 SERVER -> CLIENT: 220 Y.outlook.office365.com Microsoft ESMTP MAIL Service ready",
		"2024-03-13 13:35:06 CLIENT -> SERVER: EHLO localhost",
		"2024-03-13 13:35:06 SERVER -> CLIENT: 250-Y.outlook.office365.com Hello [203.0.113.9]250-SIZE 157286400250-STARTTLS250 SMTPUTF8",
		"2024-03-13 13:35:06 CLIENT -> SERVER: STARTTLS",
		"2024-03-13 13:35:06 SERVER -> CLIENT: 220 2.0.0 SMTP server ready",
		"2024-03-13 13:35:06 CLIENT -> SERVER: EHLO localhost",
		"2024-03-13 13:35:06 SERVER -> CLIENT: 250-Y.outlook.office365.com Hello [203.0.113.9]250-SIZE 157286400" + caps + "250 SMTPUTF8",
		"2024-03-13 13:35:06 CLIENT -> SERVER: QUIT",
		"2024-03-13 13:35:07 SERVER -> CLIENT: 221 2.0.0 Service closing transmission channel",
	}, "\n")
}
