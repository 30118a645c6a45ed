package sim

import (
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/oauth/tokenserver"
)

// step is one exchange of a scripted session: send a line (or only read,
// for the banner) and check the reply.
type step struct {
	read   bool // read a reply without sending
	send   string
	code   int
	text   string // regexp on the reply text, lines joined with "\n"
	tls    bool   // handshake after this reply
	closed bool   // the server closes after this reply
}

// Volatile parts, as Microsoft prints them (FACTS.md 2.1, 2.2).
const (
	subHost    = `[A-Z]{2}\dPR\d{2}CA\d{4}`
	mxHost     = `[A-Z]{2}\dNAM02FT\d{3}`
	date1123   = `[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000`
	subErrHost = subHost + `\.namprd\d{2}\.prod\.outlook\.com`
	mxErrHost  = mxHost + `\.eop-nam02\.prod\.protection\.outlook\.com`
	subTrailer = `\[` + subErrHost + ` \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z [0-9A-F]{16}\]$`
	// The end-of-data reply's per-message parts (FACTS.md section 0).
	queuedTail = ` \[InternalId=\d{13,14}, Hostname=(?:[A-Z]{2}\dP\d{3}MB\d{4}\.[A-Z]{3}P\d{3}\.PROD\.OUTLOOK\.COM|[A-Z]{2}\dPR\d{2}MB\d{4}\.[a-z]{3}prd\d{2}\.prod\.outlook\.com)\] \d+ bytes in \d+\.\d{3}, \d+\.\d{3} KB/sec Queued mail for delivery$`
	diagList   = `\d{1,3}\.\d{4,5}:[0-9A-F]{8,40}(?:, \d{1,3}\.\d{4,5}:[0-9A-F]{8,40}){3,}`
)

var (
	subBanner = step{read: true, code: 220, text: `^` + subHost + `\.outlook\.office365\.com Microsoft ESMTP MAIL Service ready at ` + date1123 + ` \[[0-9A-F]{16}\]$`}
	mxBanner  = step{read: true, code: 220, text: `^` + mxHost + `\.mail\.protection\.outlook\.com Microsoft ESMTP MAIL Service ready at ` + date1123 + `$`}
	ehlo      = step{send: "EHLO mfp-3f.contoso.local", code: 250, text: `Hello \[127\.0\.0\.1\]\nSIZE 157286400\n`}
	ehloAuth  = step{send: "EHLO mfp-3f.contoso.local", code: 250, text: `\nAUTH LOGIN XOAUTH2\n`}
	startTLS  = step{send: "STARTTLS", code: 220, text: `^2\.0\.0 SMTP server ready$`, tls: true}

	subTLS    = []step{subBanner, ehlo, startTLS, ehloAuth}
	mxTLS     = []step{mxBanner, ehlo, startTLS, ehlo}
	authOK    = `^2\.7\.0 Authentication successful$`
	mailOK    = step{send: "MAIL FROM:<scanner@contoso.com>", code: 250, text: `^2\.1\.0 Sender OK$`}
	rcptOK    = step{send: "RCPT TO:<frontdesk@contoso.com>", code: 250, text: `^2\.1\.5 Recipient OK$`}
	extRcptOK = step{send: "RCPT TO:<orders@fabrikam.com>", code: 250, text: `^2\.1\.5 Recipient OK$`}
	dataGo    = step{send: "DATA", code: 354, text: `^Start mail input; end with <CRLF>\.<CRLF>$`}
	message   = "From: scanner@contoso.com\r\nMessage-ID: <scan-0042@mfp-3f.contoso.local>\r\nSubject: scan\r\n\r\nhello\r\n..leading dot\r\n."
	quit      = step{send: "QUIT", code: 221, text: `^2\.0\.0 Service closing transmission channel$`, closed: true}
)

// login is AUTH LOGIN with the prompts of nodemailer#1484, ending in code/text.
func login(pass string, code int, text string) []step {
	return []step{
		{send: "AUTH LOGIN", code: 334, text: `^VXNlcm5hbWU6$`},
		{send: b64("scanner@contoso.com"), code: 334, text: `^UGFzc3dvcmQ6$`},
		{send: b64(pass), code: code, text: text},
	}
}

// goodToken is an app-only token Exchange Online accepts (valid to 2100,
// so any test clock takes it); the claims checks are in oauth_claims_test.go.
var goodToken = tokenserver.Mint(tokenserver.AppOnly(time.Now()).With("exp", int64(4102444800)))

func xoauth2(user, token string) string {
	return b64("user=" + user + "\x01auth=Bearer " + token + "\x01\x01")
}

// cat joins step lists.
func cat(parts ...any) []step {
	var out []step
	for _, p := range parts {
		switch p := p.(type) {
		case step:
			out = append(out, p)
		case []step:
			out = append(out, p...)
		}
	}
	return out
}

// TestScenarioReplies plays each scenario's key exchange against the
// real server with a plain textproto client and checks every reply, the
// texts as FACTS.md records them.
func TestScenarioReplies(t *testing.T) {
	tests := []struct {
		name     string
		scenario string
		steps    []step
	}{
		{"submission happy path with LOGIN and DATA", "submission-ok", cat(subTLS, login("pw", 235, authOK), mailOK, rcptOK, extRcptOK, dataGo,
			step{send: message, code: 250, text: `^2\.6\.0 <scan-0042@mfp-3f\.contoso\.local>` + queuedTail},
			step{send: "RSET", code: 250, text: `^2\.0\.0 Resetting$`},
			step{send: "NOOP", code: 250, text: `^2\.0\.0 OK$`}, quit)},
		{"message without Message-ID gets one", "submission-ok", cat(subTLS, login("pw", 235, authOK), mailOK, rcptOK, dataGo,
			step{send: "Subject: x\r\n\r\nbody\r\n.", code: 250, text: `^2\.6\.0 <[0-9A-F]{16}\.1@` + subErrHost + `> \[InternalId`})},
		{"XOAUTH2 initial response", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", goodToken), code: 235, text: authOK}, mailOK)},
		{"XOAUTH2 delegated token for the user", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", tokenserver.Mint(tokenserver.Delegated(time.Now(), "Scanner@contoso.com").With("exp", int64(4102444800)))), code: 235, text: authOK})},
		{"XOAUTH2 delegated token for another user", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", tokenserver.Mint(tokenserver.Delegated(time.Now(), "admin@contoso.com").With("exp", int64(4102444800)))), code: 535, text: `^5\.7\.3 Authentication unsuccessful`})},
		{"XOAUTH2 Graph token", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", tokenserver.Mint(tokenserver.AppOnly(time.Now()).With("exp", int64(4102444800), "aud", "https://graph.microsoft.com"))), code: 535, text: `^5\.7\.3 Authentication unsuccessful`})},
		{"XOAUTH2 app-only without SMTP.SendAsApp", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", tokenserver.Mint(tokenserver.AppOnly(time.Now()).With("exp", int64(4102444800), "roles", nil))), code: 535, text: `^5\.7\.3 Authentication unsuccessful`})},
		{"XOAUTH2 expired token", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", tokenserver.Mint(tokenserver.AppOnly(time.Now()).With("exp", int64(946684800)))), code: 535, text: `^5\.7\.3 Authentication unsuccessful`})},
		{"XOAUTH2 Exchange Online app ID audience", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", tokenserver.Mint(tokenserver.AppOnly(time.Now()).With("exp", int64(4102444800), "aud", "00000002-0000-0ff1-ce00-000000000000"))), code: 235, text: authOK})},
		{"XOAUTH2 token without exp", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", tokenserver.Mint(tokenserver.AppOnly(time.Now()).With("exp", nil))), code: 535, text: `^5\.7\.3 Authentication unsuccessful`})},
		{"XOAUTH2 opaque token", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", "EwBwA8l6BAAU-opaque"), code: 535, text: `^5\.7\.3 Authentication unsuccessful`})},
		{"XOAUTH2 after empty 334", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2", code: 334, text: `^$`},
			step{send: xoauth2("scanner@contoso.com", goodToken), code: 235, text: authOK})},
		{"XOAUTH2 malformed", "submission-ok", cat(subTLS,
			step{send: "AUTH XOAUTH2 " + b64("user=scanner@contoso.com"), code: 501, text: `^5\.5\.124 Invalid XOAUTH2 auth data$`},
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", goodToken), code: 235, text: authOK})},
		{"AUTH PLAIN not offered", "submission-ok", cat(subTLS,
			step{send: "AUTH PLAIN " + b64("\x00scanner@contoso.com\x00pw"), code: 504, text: `^5\.7\.4 Unrecognized authentication type \[` + subErrHost + `\]$`},
			step{send: "AUTH CRAM-MD5", code: 504, text: `^5\.7\.4 Unrecognized authentication type`})},
		{"empty password", "submission-ok", cat(subTLS, login("", 535, `^5\.7\.3 Authentication unsuccessful \[`+subErrHost+`\]$`))},
		{"AUTH cancelled and undecodable", "submission-ok", cat(subTLS,
			step{send: "AUTH LOGIN", code: 334, text: `^VXNlcm5hbWU6$`},
			step{send: "*", code: 501, text: `^5\.7\.0 `},
			step{send: "AUTH LOGIN !!!", code: 501, text: `^5\.5\.2 `},
			step{send: "AUTH LOGIN " + b64("scanner@contoso.com"), code: 334, text: `^UGFzc3dvcmQ6$`},
			step{send: b64("pw"), code: 235, text: authOK},
			step{send: "AUTH LOGIN", code: 503, text: `^5\.5\.1 Bad sequence of commands$`})},
		{"AUTH and MAIL before STARTTLS", "submission-ok", cat(subBanner, ehlo,
			step{send: "AUTH LOGIN", code: 504, text: `^5\.7\.4 Unrecognized authentication type`},
			step{send: "MAIL FROM:<scanner@contoso.com>", code: 451, text: `^5\.7\.3 STARTTLS is required to send mail ` + subTrailer},
			quit)},
		{"sequence and syntax errors", "submission-ok", cat(subBanner,
			step{send: "MAIL FROM:<scanner@contoso.com>", code: 503, text: `^5\.5\.1 Bad sequence of commands$`},
			step{send: "HELO mfp", code: 250, text: `^` + subHost + `\.outlook\.office365\.com Hello \[127\.0\.0\.1\]$`},
			startTLS, ehloAuth, login("pw", 235, authOK),
			step{send: "RCPT TO:<frontdesk@contoso.com>", code: 503, text: `^5\.5\.1 `},
			step{send: "MAIL FROM:scanner@contoso.com", code: 501, text: `^5\.5\.4 Unrecognized parameter \[` + subHost + `\.eop-nam02\.prod\.protection\.outlook\.com\]$`},
			step{send: "MAIL FROM:<scanner@contoso.com> SIZE=999999999", code: 552, text: `^5\.3\.4 `},
			step{send: "mail from: <scanner@contoso.com> SIZE=1000 BODY=8BITMIME", code: 250, text: `^2\.1\.0 Sender OK$`},
			step{send: "DATA", code: 503, text: `^5\.5\.1 `},
			step{send: "STARTTLS", code: 503, text: `^5\.5\.1 `})},
		{"anonymous submission", "submission-anonymous", cat(subTLS,
			step{send: "MAIL FROM:<scanner@contoso.com>", code: 530, text: `^5\.7\.57 Client not authenticated to send mail\. ` + subTrailer})},
		{"SMTP AUTH disabled", "submission-auth-disabled", cat(subTLS,
			login("pw", 535, `^5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant\. Visit https://aka\.ms/smtp_auth_disabled for more information\. `+subTrailer),
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", goodToken), code: 535, text: `SmtpClientAuthentication is disabled for the Tenant`})},
		{"basic auth retired", "submission-basic-auth-retired", cat(subTLS,
			login("pw", 550, `^5\.7\.30 Basic authentication is not supported for Client Submission\.$`),
			step{send: "AUTH PLAIN " + b64("\x00scanner@contoso.com\x00pw"), code: 550, text: `^5\.7\.30 `},
			step{send: "AUTH PLAIN", code: 334, text: `^$`},
			step{send: b64("\x00scanner@contoso.com\x00pw"), code: 550, text: `^5\.7\.30 `},
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", goodToken), code: 235, text: authOK})},
		{"bad credentials", "submission-bad-credentials", cat(subTLS,
			login("wrong", 535, `^5\.7\.139 Authentication unsuccessful, the user credentials were incorrect\. \[`+subErrHost+`\]$`),
			step{send: "AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", goodToken), code: 535, text: `^5\.7\.3 Authentication unsuccessful \[` + subErrHost + `\]$`})},
		{"AUTH without STARTTLS", "submission-no-starttls-auth", cat(subBanner, ehlo,
			step{send: "AUTH LOGIN", code: 504, text: `^5\.7\.4 Unrecognized authentication type \[` + subErrHost + `\]$`}, quit)},
		{"SendAs denied at end of data", "submission-sendas-denied", cat(subTLS, login("pw", 235, authOK),
			step{send: "MAIL FROM:<frontdesk@contoso.com>", code: 250, text: `^2\.1\.0 Sender OK$`}, rcptOK, dataGo,
			step{send: message, code: 554, text: `^5\.2\.0 STOREDRV\.Submission\.Exception:SendAsDeniedException\.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message\. ` + diagList + `$`})},
		{"SendAs denied, newer text", "submission-sendas-denied-252", cat(subTLS, login("pw", 235, authOK),
			step{send: "MAIL FROM:<frontdesk@contoso.com>", code: 250, text: `^2\.1\.0 Sender OK$`}, rcptOK, dataGo,
			step{send: message, code: 554, text: `^5\.2\.252 SendAsDenied; scanner@contoso\.com not allowed to send as frontdesk@contoso\.com; STOREDRV\.Submission\.Exception:SendAsDeniedException\.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message \[BeginDiagnosticData\]Cannot submit message\. ` + diagList + `\[EndDiagnosticData\]$`})},
		{"service not active", "service-not-active", cat(subTLS,
			login("pw", 421, `^4\.3\.2 Service not active \[`+subErrHost+`\]$`), step{closed: true})},
		{"legacy TLS scenario passes TLS 1.2", "legacy-tls-refused", cat(subTLS, login("pw", 235, authOK), mailOK)},
		{"direct send", "directsend-ok", cat(mxTLS, mailOK, rcptOK,
			step{send: "RCPT TO:<it@branch.sales.contoso.com>", code: 250, text: `^2\.1\.5 Recipient OK$`},
			step{send: "RCPT TO:<orders@fabrikam.com>", code: 550, text: `^5\.4\.1 Relay Access Denied$`},
			step{send: "AUTH LOGIN", code: 503, text: `^5\.5\.1 `},
			step{send: "RSET", code: 250, text: `^2\.0\.0 Resetting$`},
			step{send: "AUTH LOGIN", code: 504, text: `^5\.7\.4 Unrecognized authentication type \[` + mxErrHost + `\]$`},
			mailOK, rcptOK, dataGo,
			step{send: message, code: 250, text: `^2\.6\.0 <scan-0042@mfp-3f\.contoso\.local>` + queuedTail})},
		{"direct send without TLS", "directsend-ok", cat(mxBanner, ehlo, mailOK, rcptOK, quit)},
		{"Direct Send rejected", "directsend-rejected", cat(mxTLS, mailOK,
			step{send: "RCPT TO:<frontdesk@contoso.com>", code: 550, text: `^5\.7\.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources$`},
			step{send: "RSET", code: 250, text: `Resetting`},
			step{send: "MAIL FROM:<partner@fabrikam.com>", code: 250, text: `Sender OK`}, rcptOK)},
		{"recipient unknown", "recipient-unknown", cat(mxTLS, mailOK,
			step{send: "RCPT TO:<nobody@contoso.com>", code: 550, text: `^5\.4\.1 Recipient address rejected: Access denied\. AS\(201806281\) \[` + mxErrHost + `\]$`})},
		{"banned IP", "banned-ip", cat(mxTLS, mailOK,
			step{send: "RCPT TO:<frontdesk@contoso.com>", code: 550, text: `^5\.7\.606 Access denied, banned sending IP \[127\.0\.0\.1\]\. To request removal from this list please visit https://sender\.office\.com/ and follow the directions\. For more information please go to http://go\.microsoft\.com/fwlink/\?LinkID=526655 \(AS16012609\)$`})},
		{"relay attributed", "relay-ok", cat(mxTLS, mailOK, extRcptOK, rcptOK)},
		{"relay not attributed", "relay-tenant-attribution", cat(mxTLS, mailOK,
			step{send: "RCPT TO:<orders@fabrikam.com>", code: 550, text: `^5\.7\.64 TenantAttribution; Relay Access Denied$`}, rcptOK)},
		{"firewall inspection", "firewall-inspection", cat(
			step{read: true, code: 220, text: `^\*+0\*2\*+0\*+$`},
			step{send: "EHLO mfp", code: 250, text: `\nXXXXXXXA\n`},
			step{send: "STARTTLS", code: 500, text: `^#5\.5\.1 command not recognized$`},
			mailOK, rcptOK, quit)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, addr := startScenario(t, tt.scenario)
			c := dial(t, addr)
			for _, s := range tt.steps {
				switch {
				case s.read:
					c.expect(c.read(), s.code, s.text)
				case s.code != 0:
					c.expect(c.cmd(s.send), s.code, s.text)
				}
				if s.tls {
					c.handshake(clientTLS(srv.CA(), "smtp.office365.com"))
				}
				if s.closed {
					c.expectClosed()
				}
			}
		})
	}
}
