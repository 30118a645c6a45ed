package explain

import (
	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// A client set to start TLS as soon as it connects (implicit TLS, the
// "SSL" of most settings pages) cannot talk to Microsoft 365, which
// offers STARTTLS only, on 587 and 25 (FACTS.md 1.1, mattermost#954):
// the client's ClientHello meets the server's plaintext 220 greeting, and
// the client reports a failed connection, a TLS error or a timeout,
// never an SMTP reply. The settings are each library's own switch, read
// from the configuration or code pasted with the error. .NET's EnableSsl
// is not one: System.Net.Mail issues STARTTLS.

// implicitSetting is one library's switch for TLS at connect.
type implicitSetting struct {
	what string // the setting, as the finding names it
	keys []keyword
	re   *lazyre.Regexp
	fix  string // the same library's STARTTLS setting
}

var implicitSettings = []implicitSetting{
	{what: "CDO's smtpusessl = True", keys: lex.add("smtpusessl"),
		re:  lazyre.OnDemand(`(?i)\b(?:cdoSMTPUseSSL|smtpusessl)\b["')\]]*\)?(?:\.Value)?\s*=\s*(?:True|1|-1)\b`),
		fix: "CDO: smtpusessl is its only TLS switch"},
	{what: "nodemailer's secure: true", keys: lex.add("secure"),
		re:  lazyre.OnDemand(`(?i)["']?\bsecure["']?\s*:\s*["']?true\b`),
		fix: "nodemailer: secure: false with port 587 (it upgrades with STARTTLS; requireTLS: true insists on it)"},
	{what: "PHPMailer's SMTPSecure = 'ssl'", keys: lex.add("smtpsecure"),
		re:  lazyre.OnDemand(`(?i)SMTPSecure\s*=\s*(?:['"]ssl['"]|PHPMailer::ENCRYPTION_SMTPS)`),
		fix: "PHPMailer: SMTPSecure = PHPMailer::ENCRYPTION_STARTTLS ('tls') with Port = 587"},
	{what: "encryption = ssl (Laravel, Symfony, SwiftMailer)", keys: lex.add("encryption"),
		re:  lazyre.OnDemand(`(?i)\bMAIL_(?:ENV_)?ENCRYPTION\s*=\s*["']?ssl\b|['"]encryption['"]\s*=>\s*['"]ssl['"]`),
		fix: "MAIL_ENCRYPTION=tls (STARTTLS) with MAIL_PORT=587"},
	{what: "an ssl:// or smtps:// address (TLS at connect)", keys: lex.add("ssl://", "smtps://", "tls://"),
		re:  lazyre.OnDemand(`(?i)(?:^|[\s"'=(])(?:ssl|smtps|tls)://`),
		fix: "an smtp:// address with STARTTLS (curl --ssl-reqd; Symfony smtp://...:587; PHP without the ssl:// prefix)"},
	{what: "Python's smtplib.SMTP_SSL", keys: lex.add("smtp_ssl"),
		re:  lazyre.OnDemand(`\bSMTP_SSL\b`),
		fix: "Python: smtplib.SMTP(host, 587) followed by starttls()"},
	{what: "JavaMail's mail.smtp.ssl.enable = true", keys: lex.add("mail.smtp.ssl.enable"),
		re:  lazyre.OnDemand(`(?i)mail\.smtp\.ssl\.enable["']?\s*[:=,]\s*["']?true\b`),
		fix: "JavaMail/Spring: mail.smtp.starttls.enable=true (and .required=true), mail.smtp.ssl.enable=false, port 587"},
	{what: "Django's EMAIL_USE_SSL = True", keys: lex.add("email_use_ssl"),
		re:  lazyre.OnDemand(`\bEMAIL_USE_SSL\s*[:=]\s*True\b`),
		fix: "Django: EMAIL_USE_TLS = True, EMAIL_USE_SSL = False, EMAIL_PORT = 587"},
	{what: "MailKit's SslOnConnect (Connect(host, port, true))", keys: lex.add("sslonconnect", ".connect("),
		re:  lazyre.OnDemand(`SecureSocketOptions\.SslOnConnect|\.Connect(?:Async)?\([^,()]+,\s*\d+,\s*true\s*\)`),
		fix: "MailKit: Connect(host, 587, SecureSocketOptions.StartTls)"},
	{what: "MailCore's MCOConnectionTypeTLS", keys: lex.add("mcoconnectiontypetls"),
		re:  lazyre.OnDemand(`\bMCOConnectionTypeTLS\b`),
		fix: "MailCore: connectionType = MCOConnectionTypeStartTLS"},
	{what: "Go's tls.Dial", keys: lex.add("tls.dial"),
		re:  lazyre.OnDemand(`\btls\.Dial\(`),
		fix: "Go: smtp.Dial (or net.Dial) and then StartTLS"},
	{what: "swaks --tls-on-connect", keys: lex.add("--tls-on-connect", "--tlsc"),
		re:  lazyre.OnDemand(`--tls-on-connect\b|--tlsc\b`),
		fix: "swaks --tls (STARTTLS)"},
	{what: "msmtp's tls_starttls off", keys: lex.add("tls_starttls"),
		re:  lazyre.OnDemand(`\btls_starttls\s+off\b`),
		fix: "msmtp: tls on, tls_starttls on"},
	{what: "Email OAuth 2.0 Proxy's server_starttls = False", keys: lex.add("(ssl/tls)", "server_starttls"),
		re:  lazyre.OnDemand(`(?i)proxying \S+:\d+ \(SSL/TLS\)|\bserver_starttls\s*=\s*False\b`),
		fix: "Email OAuth 2.0 Proxy: server_starttls = True for port 587"},
}

// maxSettingLines bounds the lines read for a TLS setting.
const maxSettingLines = 2000

// implicitSettingOf is the first setting for TLS at connect the paste
// shows, nil when none.
func implicitSettingOf(ls []logical) *implicitSetting {
	tried := 0
	for i := range ls {
		for j := range implicitSettings {
			s := &implicitSettings[j]
			if !ls[i].words.any(s.keys) {
				continue
			}
			if tried++; tried > maxSettingLines {
				return nil
			}
			if s.re.Regexp().MatchString(ls[i].scanned()) {
				return s
			}
		}
	}
	return nil
}

// implicitMisfit makes a failure without an SMTP reply a configuration
// verdict when the paste sets the client to TLS at connect against a
// Microsoft 365 endpoint: the setting, not the network, is what is wrong.
func implicitMisfit(res *Result, ev *evidence) {
	v := res.Verdict
	if v.Category == catalog.OK || v.Category == NoEvidence || v.Code != 0 || v.Enhanced != "" || v.Category == catalog.Config {
		return // a server that answered in SMTP took the connection in plaintext
	}
	stage, ok := beforeCommands(v.Stage, transcript.TLS)
	if !ok {
		return
	}
	s := implicitSettingOf(ev.lines)
	if s == nil {
		return
	}
	var misfit *diagnosis.Misfit
	for _, m := range diagnosis.Misfits(diagnosis.Setup{Method: res.Input.Plan.Method, Host: res.Input.Host, Port: res.Input.Port, TLS: transcript.Implicit}) {
		if m.ID == "implicit-tls" || m.ID == "port-465" {
			misfit = &m
			break
		}
	}
	if misfit == nil {
		return // not a Microsoft 365 endpoint by name: another server may offer implicit TLS
	}
	finding := "Microsoft 365 offers STARTTLS only, never TLS at connect: the client's TLS handshake meets the server's plaintext greeting and fails"
	if misfit.ID == "port-465" {
		finding = misfit.Finding
	}
	nv := diagnosis.Verdict{Category: catalog.Config, Stage: stage, Step: 4, Evidence: v.Evidence, Rule: "explain:implicit-tls+config:" + misfit.ID,
		Finding: "the client is set to start TLS as soon as it connects (" + s.what + "): " + finding,
		Next:    "set the client to STARTTLS on port 587 of smtp.office365.com (" + s.fix + "); a client that only speaks TLS at connect cannot submit to Microsoft 365: use Direct Send or a relay connector on port 25",
		Source:  misfit.Source + "; FACTS.md 1.1 (STARTTLS only)"}
	nv.Learn = learnConfig()
	res.Verdict = nv
	if stage != v.Stage {
		res.Basis = StageBasis{Basis: Inferred, From: s.what + ": the client's TLS handshake meets the server's plaintext greeting"}
	}
}
