package explain

import (
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// TestWordRules: each kind of words (a library's fixed message in the
// languages it ships, an MTA's log phrase, Microsoft's NDR and support
// wording, the reporter's words) is found through the lexicon's
// pre-filter, by the rule meant for it, and gives its category, stage
// and basis when it is the only evidence.
func TestWordRules(t *testing.T) {
	cases := []struct {
		text  string
		rule  string
		cat   catalog.Category
		stage transcript.Stage
		basis Basis
	}{
		{"SMTP Error: data not accepted.", "phpmailer:data_not_accepted", catalog.Policy, transcript.Data, Seen},
		{"SMTP-Fehler: Daten werden nicht akzeptiert.", "phpmailer:data_not_accepted", catalog.Policy, transcript.Data, Seen},
		{"SMTP 错误：数据不被接受。", "phpmailer:data_not_accepted", catalog.Policy, transcript.Data, Seen},
		{"Erreur SMTP : échec de l'authentification.", "phpmailer:authenticate", catalog.AuthCat, transcript.Auth, Seen},
		{"Error SMTP: Imposible autentificar.", "phpmailer:authenticate", catalog.AuthCat, transcript.Auth, Seen},
		{"SMTPエラー: 認証できませんでした。", "phpmailer:authenticate", catalog.AuthCat, transcript.Auth, Seen},
		{"Sending via Office365 failed. Password command failed", "phpmailer:authenticate", catalog.AuthCat, transcript.Auth, Seen},
		{"SMTP Error: The following recipients failed: a@contoso.com", "phpmailer:recipients_failed", catalog.Recipient, transcript.Rcpt, Seen},
		{"Erro de SMTP: Os seguintes remetentes falharam: a@contoso.com", "phpmailer:from_failed", catalog.Config, transcript.Mail, Seen},
		{"SMTP-fout: kon niet verbinden met SMTP-host.", "phpmailer:connect_host", catalog.Network, transcript.Connect, Inferred},
		{"postfix/smtp[1]: 4A: lost connection with x.mail.protection.outlook.com[52.1.1.1] while sending RCPT TO", "postfix:lost-connection-while", catalog.Network, transcript.Rcpt, Seen},
		{"postfix/smtp[1]: 4A: conversation with smtp.office365.com[52.1.1.1] timed out while sending message body", "postfix:timed-out-while", catalog.Network, transcript.Data, Seen},
		{"H=x.mail.protection.outlook.com [52.101.68.21]: Remote host closed connection in response to EHLO host", "exim:closed-in-response-to", catalog.Network, transcript.EHLO, Seen},
		{"H=x.mail.protection.outlook.com [52.101.68.21]: SMTP timeout after RCPT TO:<a@contoso.com>", "exim:smtp-timeout-after", catalog.Network, transcript.Rcpt, Seen},
		{"warning: SASL authentication failure: No worthy mechs found", "sasl:no-common-mechanism", catalog.Config, transcript.Auth, Seen},
		{"smtp.office365.com offered no supported AUTH mechanisms: 'LOGIN XOAUTH2'", "sasl:no-common-mechanism", catalog.Config, transcript.Auth, Seen},
		{"Error: Missing credentials for \"PLAIN\"", "nodemailer:missing-credentials", catalog.Config, transcript.Auth, Seen},
		{"request wasn't found at o365admin.center.", "ndr:recipient-not-found", catalog.Recipient, transcript.Rcpt, Inferred},
		{"Unknown To address", "ndr:recipient-not-found", catalog.Recipient, transcript.Rcpt, Inferred},
		{"Your message can't be delivered because delivery to this address is restricted.", "ndr:delivery-restricted", catalog.Policy, transcript.Rcpt, Inferred},
		{"Despite repeated attempts to contact the recipient's email system it didn't respond.", "ndr:message-expired", catalog.Network, transcript.Unstaged, Unknown},
		{"Your message can't be sent because you've reached your daily limit for message recipients", "ndr:recipient-rate-limit", catalog.Policy, transcript.Unstaged, Unknown},
		{"User me@site.com has exceeded its 24-hour sending limit.", "ndr:sending-limit", catalog.Policy, transcript.Unstaged, Unknown},
		{"> Bedingt entsperrt", "ndr:block-list", catalog.Reputation, transcript.Unstaged, Unknown},
		{"I've requested our IP to be delisted at sender.office.com", "ndr:block-list", catalog.Reputation, transcript.Unstaged, Unknown},
		{"Mails bloqués sur toutes les adresses (live/outlook/hotmail).", "prose:blocked", catalog.Reputation, transcript.Unstaged, Unknown},
		{"Wir bekommen immer: Authentifizierung fehlgeschlagen bei Office 365", "prose:auth-failed", catalog.AuthCat, transcript.Auth, Inferred},
		{"发送邮件一直提示认证失败", "prose:auth-failed", catalog.AuthCat, transcript.Auth, Inferred},
		{"El envío da tiempo de espera agotado con smtp.office365.com", "prose:timed-out", catalog.Network, transcript.Connect, Inferred},
		{"Le serveur renvoie connexion refusée", "prose:refused", catalog.Network, transcript.Connect, Inferred},
	}
	for _, tc := range cases {
		t.Run(tc.rule+"/"+tc.text[:min(len(tc.text), 24)], func(t *testing.T) {
			ls := unfold(splitLines(tc.text))
			var got string
			for _, c := range findClues(ls) {
				if c.word != nil {
					got = c.word.id
				}
			}
			if got != tc.rule {
				t.Fatalf("rule %q, want %q", got, tc.rule)
			}
			res, err := Transcript(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			v := res.Verdict
			if v.Category != tc.cat || v.Stage != tc.stage || res.Basis.Basis != tc.basis {
				t.Errorf("%s at %s (%s), want %s at %s (%s)\nsummary: %s", v.Category, v.Stage, res.Basis.Basis, tc.cat, tc.stage, tc.basis, v.Summary())
			}
			if v.Code != 0 {
				t.Errorf("code %d: words carry no reply code", v.Code)
			}
		})
	}
}

// TestProseIsWeakest: the reporter's words decide only when nothing
// else is in the paste; a reply, or a library's message, outranks them.
func TestProseIsWeakest(t *testing.T) {
	text := "our mails are blocked since Monday\n535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [X.outlook.office365.com]"
	res, _ := Transcript(text)
	if res.Verdict.Category != catalog.AuthCat {
		t.Fatalf("category %s, want auth: the reply outranks the prose", res.Verdict.Category)
	}
	found := false
	for _, a := range res.SetAside {
		found = found || strings.Contains(a.Why, "reporter's words")
	}
	if !found {
		t.Errorf("the prose is not set aside as the reporter's words: %+v", res.SetAside)
	}
	// A network block is not a block list.
	res, _ = Transcript("port 587 is blocked by our hosting provider")
	if res.Verdict.Category == catalog.Reputation {
		t.Errorf("a blocked port read as a block list: %s", res.Verdict.Summary())
	}
}

// TestCutShortSession: a clean debug log that stops mid-session yields
// to the failure the title states; alone it stays ok, and a session that
// reached its end stays ok whatever the prose says.
func TestCutShortSession(t *testing.T) {
	log := "SERVER -> CLIENT: 220 X.outlook.office365.com Microsoft ESMTP MAIL Service ready\nCLIENT -> SERVER: EHLO host\nSERVER -> CLIENT: 250-X Hello\nSERVER -> CLIENT: 250 STARTTLS\nCLIENT -> SERVER: STARTTLS\nSERVER -> CLIENT: 220 2.0.0 SMTP server ready\n"
	if res, _ := Transcript("Office365 Business receiving Authentication Error\n" + log); res.Verdict.Category != catalog.AuthCat || res.Verdict.Stage != transcript.Auth {
		t.Errorf("title and cut log: %s at %s, want auth at auth", res.Verdict.Category, res.Verdict.Stage)
	}
	if res, _ := Transcript(log); res.Verdict.Category != catalog.OK {
		t.Errorf("a cut log alone: %s, want ok", res.Verdict.Category)
	}
}

// TestPortMisfit: a client on a port of another protocol is config; on
// the same port a reply in SMTP is the server's verdict, not the port's.
func TestPortMisfit(t *testing.T) {
	res, _ := Transcript("Host: outlook.office365.com\nPort: 993\nError: Greeting never received")
	if res.Verdict.Category != catalog.Config || res.Verdict.Stage != transcript.Banner {
		t.Errorf("port 993: %s at %s, want config at banner", res.Verdict.Category, res.Verdict.Stage)
	}
	res, _ = Transcript("imap: outlook.office365.com port:993\nsmtp: smtp.office365.com port:587\nError: connect ETIMEDOUT 52.97.1.1:587")
	if res.Verdict.Category == catalog.Config {
		t.Errorf("the IMAP line's port was read as the SMTP port: %s", res.Verdict.Summary())
	}
	res, _ = Transcript("port 993\n535 5.7.139 Authentication unsuccessful, basic authentication is disabled.")
	if res.Verdict.Category != catalog.AuthCat {
		t.Errorf("an SMTP reply on port 993: %s, want auth", res.Verdict.Category)
	}
}

// TestProsePasswordRedacted: a password told in prose never reaches the
// output.
func TestProsePasswordRedacted(t *testing.T) {
	for _, text := range []string{"my password is Hunter2Secret! and login failed", "Passwort ist Hunter2Secret! Anmeldung fehlgeschlagen", "密码：Hunter2Secret! 认证失败"} {
		res, _ := Transcript(text)
		var b strings.Builder
		if err := WriteJSON(&b, res); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "Hunter2") {
			t.Errorf("%q: the password is in the output:\n%s", text, b.String())
		}
	}
}
