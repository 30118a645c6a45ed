package explain

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
)

// TestOutputCarriesNoCredentials: explain's output is pasted into tickets;
// a credential in the paste never reaches it, in plain, base64 and AUTH
// blob forms, whichever reader decides.
func TestOutputCarriesNoCredentials(t *testing.T) {
	const user, pass, token = "scanner@contoso.com", "Hunter2-Pa55!", "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2lnbmF0dXJl"
	b64 := base64.StdEncoding.EncodeToString
	plain := b64([]byte("\x00" + user + "\x00" + pass))
	xoauth := b64([]byte("user=" + user + "\x01auth=Bearer " + token + "\x01\x01"))
	// odd is a username's base64 that does not decode to printable text
	// (control bytes at its end, as some devices pad it).
	odd := b64([]byte("scanner@contoso.com\x01\x02"))
	secrets := []string{pass, b64([]byte(pass)), b64([]byte(user)), plain, xoauth, token, odd}
	pastes := map[string]string{
		"telnet-login": "220 BY1PR10CA0041.outlook.office365.com Microsoft ESMTP MAIL Service ready\nEHLO mfp\n250-BY1PR10CA0041.outlook.office365.com Hello\n250 AUTH LOGIN XOAUTH2\nAUTH LOGIN\n334 VXNlcm5hbWU6\n" + b64([]byte(user)) + "\n334 UGFzc3dvcmQ6\n" + b64([]byte(pass)) + "\n535 5.7.3 Authentication unsuccessful [BY1PR10CA0041.outlook.office365.com]\n",
		"plain-inline": "C: AUTH PLAIN " + plain + "\nS: 535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.\n",
		"xoauth2":      "Error: Invalid login: 535 5.7.3 Authentication unsuccessful\n  command: 'AUTH XOAUTH2 " + xoauth + "'\n",
		"bearer":       "smtplib.SMTPAuthenticationError: (535, b'5.7.3 Authentication unsuccessful') Authorization: Bearer " + token + "\n",
		"config-dump":  "auth: { user: '" + user + "', pass: '" + pass + "' }\nError: Invalid login: 535 5.7.139 Authentication unsuccessful, basic authentication is disabled.\n",
		"json":         `{"password":"` + pass + `","error":"535 5.7.3 Authentication unsuccessful ` + plain + `"}`,
		"lone-base64":  "Error: Invalid login: 535 5.7.3 Authentication unsuccessful\n" + b64([]byte(pass)) + "\n" + xoauth + "\n",
		// A debug paste that starts inside AUTH LOGIN: the username line
		// comes before "334 UGFzc3dvcmQ6" without the AUTH command, in
		// each log format, with a username that does not decode to text
		// (so only its place in the exchange shows what it is).
		"nodemailer-mid-auth": "[2024-01-10 10:00:01] DEBUG [Ab3xYz] C: " + odd + "\n[2024-01-10 10:00:01] DEBUG [Ab3xYz] S: 334 UGFzc3dvcmQ6\n[2024-01-10 10:00:01] DEBUG [Ab3xYz] C: " + b64([]byte(pass)) + "\n[2024-01-10 10:00:01] DEBUG [Ab3xYz] S: 535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [MN2PR05CA0004.namprd05.prod.outlook.com]\nError: Invalid login: 535 5.7.139 Authentication unsuccessful\n",
		"phpmailer-mid-auth":  "2024-03-18 08:22:41 CLIENT -> SERVER: " + odd + "\n2024-03-18 08:22:41 SERVER -> CLIENT: 334 UGFzc3dvcmQ6\n2024-03-18 08:22:41 CLIENT -> SERVER: " + b64([]byte(pass)) + "\n2024-03-18 08:22:41 SERVER -> CLIENT: 535 5.7.3 Authentication unsuccessful [PR3P191CA0021.EURP191.PROD.OUTLOOK.COM]\n",
		"sclog-mid-auth":      "C: " + odd + "\nS: 334 UGFzc3dvcmQ6\nC: " + b64([]byte(pass)) + "\nS: 535 5.7.3 Authentication unsuccessful\n",
		"telnet-mid-auth":     odd + "\n334 UGFzc3dvcmQ6\n" + b64([]byte(pass)) + "\n535 5.7.3 Authentication unsuccessful [BY1PR10CA0041.outlook.office365.com]\n",
		// A PHP stack trace shows the AUTH LOGIN answers it sent and the
		// authenticate() call's arguments (SwiftMailer in FreeScout).
		"swift-trace": `Failed to authenticate on SMTP server with username "` + user + `" using 2 possible authenticators. Authenticator LOGIN returned Swift_TransportException: Expected response code 235 but got code "535", with message "535 5.7.3 Authentication unsuccessful [AM0PR07CA0005.eurprd07.prod.outlook.com] " in /var/www/html/vendor/swiftmailer/AbstractSmtpTransport.php:457 Stack trace: #0 /var/www/html/vendor/swiftmailer/EsmtpTransport.php(305): Swift_Transport_AbstractSmtpTransport->executeCommand('` + b64([]byte(pass)) + `\r\n', Array, Array, false, NULL) #1 /var/www/html/vendor/swiftmailer/AuthHandler.php(177): Swift_Transport_Esmtp_Auth_LoginAuthenticator->authenticate(Object(Swift_SmtpTransport), '` + user + `', '` + pass + `')` + "\n",
		// Email OAuth 2.0 Proxy logs the device's AUTH PLAIN and the
		// token it sends on as Python bytes.
		"oauth2-proxy": "SMTP (localhost:1587; ::1:5->smtp.office365.com:587) --> b'AUTH PLAIN " + plain + "\\r\\n'\nSMTP (localhost:1587; ::1:5->smtp.office365.com:587)     --> b'AUTH XOAUTH2 " + xoauth + "\\r\\n'\nSMTP (localhost:1587; ::1:5->smtp.office365.com:587)     <-- b'535 5.7.3 Authentication unsuccessful\\r\\n'\n",
		// A lone base64 line in a session, no prompt beside it.
		"sclog-lone": "S: 220 BY1PR10CA0041.outlook.office365.com Microsoft ESMTP MAIL Service ready\nC: EHLO mfp\nS: 250 OK\nC: " + odd + "\nS: 535 5.7.3 Authentication unsuccessful\n",
	}
	for name, paste := range pastes {
		for form, f := range pasteForms {
			t.Run(name+"/"+form, func(t *testing.T) {
				res, err := Transcript(f(paste))
				if err != nil {
					t.Fatalf("Transcript: %v", err)
				}
				var out bytes.Buffer
				if err := WriteText(&out, res); err != nil {
					t.Fatal(err)
				}
				if err := WriteJSON(&out, res); err != nil {
					t.Fatal(err)
				}
				for _, s := range secrets {
					if strings.Contains(out.String(), s) {
						t.Errorf("the output holds a credential form %q:\n%s", s, out.String())
					}
				}
			})
		}
	}
}

// TestRedactKeepsEvidence: redaction leaves reply texts and AUTH LOGIN's
// prompts alone.
func TestRedactKeepsEvidence(t *testing.T) {
	for _, s := range []string{
		"334 VXNlcm5hbWU6",
		// XOAUTH2's error challenge is the server's, not a credential.
		"334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL291dGxvb2sub2ZmaWNlLmNvbS9TTVRQLlNlbmQifQ==",
		"250-PIPELINING",
		"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [MN2PR05CA0004.namprd05.prod.outlook.com 2023-09-12T20:59:57.214Z 08DBB276B7E699C4]",
		"554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message.",
	} {
		if got := redactText(s); got != s {
			t.Errorf("redactText(%q) = %q", s, got)
		}
	}
}

// TestTellingKeys: the pre-filter of phraseClue lets every Telling row's
// own text through.
func TestTellingKeys(t *testing.T) {
	for _, e := range catalog.Catalog {
		if e.Telling && !containsAny(strings.ToLower(e.Text), tellingKeys...) {
			t.Errorf("catalog row %s is Telling but its text has none of tellingKeys: %q", e.ID, e.Text)
		}
	}
}
