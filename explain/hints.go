package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// A hint is words in a paste that name the SMTP command a reply answered:
// a log's "(in reply to RCPT TO command)", PHPMailer's "MAIL FROM command
// failed", nodemailer's command: 'AUTH LOGIN', an exception class
// (SMTPSenderRefused, AuthenticationFailedException), a stack frame
// (MailCommand.CheckResponse). The stage they name is seen, not guessed.
type hint struct {
	re *lazyre.Regexp
	// stage maps the match to a stage ("" when it names none); nil: the
	// fixed stage of the hint.
	stage func(m string) transcript.Stage
	fixed transcript.Stage
	// after: the words follow the reply they qualify ("(in reply to ...)");
	// otherwise they precede it on the line, or frame it in its block.
	after bool
	// adjacent: the words stand right before the reply (re is matched
	// against the text before it).
	adjacent bool
	// trailer: the words close the line the reply stands in, after the
	// client's other fields (Outlook's "..., Error Number: 0x800CCC79").
	trailer bool
}

func (h hint) stageOf(m string) transcript.Stage {
	if h.stage != nil {
		return h.stage(m)
	}
	return h.fixed
}

// lineHints name the command on the reply's own line.
var lineHints = []hint{
	{re: lazyre.OnDemand(`(?i)in\s+reply\s+to\s+(?:the\s+)?(?:end\s+of\s+)?(?:DATA|RCPT\s+TO|MAIL\s+FROM|AUTH\w*|EHLO|HELO|STARTTLS|QUIT|RSET|BDAT)[^)]{0,40}?\s*command`), stage: inReplyStage, after: true},
	{re: lazyre.OnDemand(`(?i)(?:remote (?:mail )?server|error from [\w. -]{0,40}) after (?:pipelined )?(?:RCPT TO|MAIL FROM|end of data|initial connection|AUTH|EHLO|HELO|STARTTLS|DATA|sending data block)`), stage: afterStep},
	{re: lazyre.OnDemand(`(?i)\b(?:MAIL FROM|RCPT TO|DATA END|DATA|AUTH|EHLO|HELO|STARTTLS|Username|Password|QUIT|RSET)\s+command failed`), stage: stageOfPhrase},
	// A library naming the command the server refused: nette/mail's "SMTP
	// server did not accept STARTTLS with error: 503 ...", Stalwart's
	// "rejected command 'BDAT 39278 LAST' with code 554", "server rejected
	// MAIL FROM".
	{re: lazyre.OnDemand(`(?i)\b(?:did not|didn't|does not|doesn't|not) accept(?:ed)?\s+(?:the\s+)?(?:command\s+)?['"<]?(?:EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|BDAT)\b|\b(?:rejected|refused)\s+(?:the\s+|our\s+)?(?:command\s+)?['"<]?(?:EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|BDAT)\b`), stage: commandNamed},
	// Exim's "SMTP error from remote server for MAIL FROM command".
	{re: lazyre.OnDemand(`(?i)\b(?:for|after)\s+(?:the\s+)?(?:MAIL FROM|RCPT TO|DATA|AUTH|EHLO|HELO|STARTTLS|BDAT)\s+command\b`), stage: commandNamed},
	// Gmail names the command its reply answers at the reply's end: "421
	// 4.7.0 Try again later, closing connection. (EHLO)".
	{re: lazyre.OnDemand(`\((?:EHLO|HELO|MAIL|RCPT|DATA|AUTH|STARTTLS)\)`), stage: func(m string) transcript.Stage { return commandNamed(strings.Trim(m, "()")) }},
	// A log quoting the command before an arrow to its answer
	// (OpenSMTPD's "Failed command on session x: \"RCPT TO:<y>\" => 550 ...").
	{re: lazyre.OnDemand(`(?i)"(?:MAIL FROM|RCPT TO|DATA|BDAT|EHLO|HELO|STARTTLS|AUTH)\b[^"]{0,200}"\s*[=-]>\s*$`), stage: func(m string) transcript.Stage {
		return commandNamed(strings.NewReplacer(":", " ", "\"", " ", "=>", " ", "->", " ").Replace(m))
	}, adjacent: true},
	{re: lazyre.OnDemand(`(?i)\bInvalid login\b`), fixed: transcript.Auth},
	// Outlook's and Outlook Express's SMTP error numbers (imnxport.h):
	// 0x800CCC78 IXP_E_SMTP_REJECTED_SENDER (MAIL FROM), 0x800CCC79
	// IXP_E_SMTP_REJECTED_RECIPIENTS (RCPT TO), after the server's reply.
	{re: lazyre.OnDemand(`(?i)\b0x800CCC78\b`), fixed: transcript.Mail, trailer: true},
	{re: lazyre.OnDemand(`(?i)\b0x800CCC79\b`), fixed: transcript.Rcpt, trailer: true},
	{re: lazyre.OnDemand(`(?i)\bMail command failed`), fixed: transcript.Mail},
	{re: lazyre.OnDemand(`(?i)\bRecipient command failed|all recipients were rejected|Failed to add recipient|recipient address \S+ not accepted|\brecipient <?[^\s<>]+@[^\s<>]+>? rejected:`), fixed: transcript.Rcpt},
	{re: lazyre.OnDemand(`(?i)\bData command failed|did not accept the mail`), fixed: transcript.Data},
	// nodemailer's EMESSAGE prefixes the reply to the end of data with
	// "Message failed: " (lib/smtp-connection); an application's own
	// "Message failed:" before an exception class is not it.
	{re: lazyre.OnDemand(`(?i)\bMessage failed:?\s*$`), fixed: transcript.Data, adjacent: true},
	// libcurl's SMTP errors name the command and give only its code
	// ("MAIL failed: 530", "RCPT failed: 550", lib/smtp.c).
	{re: lazyre.OnDemand(`\b(?:MAIL|RCPT|DATA|EHLO|HELO|AUTH|STARTTLS) failed:\s*$`), stage: commandNamed, adjacent: true},
	{re: lazyre.OnDemand(`(?i)envelope from address \S+ not accepted`), fixed: transcript.Mail},
	{re: lazyre.OnDemand(`(?i)\bduring (?:MAIL FROM|RCPT TO|DATA)\b`), stage: stageOfPhrase},
	{re: lazyre.OnDemand(`(?i)Expected response code "?(?:235|334)\b`), fixed: transcript.Auth},
	{re: lazyre.OnDemand(`(?i)Expected response code "?354\b`), fixed: transcript.Data},
	{re: lazyre.OnDemand(`(?i)Expected response code "?250"?/"?251`), fixed: transcript.Rcpt},
}

// maxInsideHint bounds how far into an error's text (which runs to the
// end of its line) a hint may stand and still be the error's own.
const maxInsideHint = 120

// lineHintWords: every lineHint's match holds one of them.
var lineHintWords = lex.add("0x800ccc7", "reply", "after", "command", "login", "accept", "rejected", "refused", "failed", "recipient", "during", "expected",
	"(ehlo)", "(helo)", "(mail)", "(rcpt)", "(data)", "(auth)", "(starttls)")

// blockHints name the command from the structure around the reply: an
// exception class, an error code field, a stack frame, a debug note.
var blockHints = []hint{
	{re: lazyre.OnDemand(`\bcommand:\s*['"]?(?:AUTH[ A-Z0-9_-]*|MAIL FROM|RCPT TO|DATA|EHLO|HELO|LHLO|STARTTLS)['"]?`), stage: stageOfPhrase},
	{re: lazyre.OnDemand(`(?i)SMTPAuthenti(?:fi)?cationError|AuthenticationFailedException|MailKit\.Security\.AuthenticationException|Failed to authenticate on SMTP server|Authenticator "?\w+"? returned|SASL authentication failed|SMTP-AUTH|\bcode:\s*'EAUTH'|DEBUG SMTP: AUTH \w+ failed|_actionAUTH|SMTPTransport\$Authenticator|SmtpLoginAuthenticationModule|System\.Net\.Mail\.SmtpConnection\.Authenticate|in login\b|Could not authenticate|authentication failed`), fixed: transcript.Auth},
	{re: lazyre.OnDemand(`SMTPSenderRefused|SMTPSenderFailedException|ProcessMailFromResponse|SenderNotAccepted|_actionMAIL|_doMailFromCommand|System\.Net\.Mail\.MailCommand|SMTPTransport\.mailFrom|doMailFromCommand`), fixed: transcript.Mail},
	{re: lazyre.OnDemand(`SMTPRecipientsRefused|SMTPAddressFailedException|InvalidRecipientsException|Horde_Smtp_Exception_Recipients|ProcessRcptToResponse|_doRcptToCommand|SmtpFailedRecipients?Exception(?: \(0x[0-9A-Fa-f]+\))?:|RecipientNotAccepted|_actionRCPT|System\.Net\.Mail\.RecipientCommand|SMTPTransport\.rcptTo|doRcptToCommand`), fixed: transcript.Rcpt},
	{re: lazyre.OnDemand(`SMTPDataError|MessageNotAccepted|\bcode:\s*'EMESSAGE'|_actionSMTPStream|_actionStream|_actionDATA|_streamMessage|executeCommand\(\s*'\s*\.\s*'|System\.Net\.Mail\.DataStopCommand|SMTPTransport\.finishData|doDataCommand`), fixed: transcript.Data},
	{re: lazyre.OnDemand(`SMTPHeloError|_actionEHLO|_actionHELO|System\.Net\.Mail\.EHelloCommand`), fixed: transcript.EHLO},
	{re: lazyre.OnDemand(`_actionSTARTTLS|System\.Net\.Mail\.StartTlsCommand|SMTPTransport\.startTLS|in starttls\b|STARTTLS command failed`), fixed: transcript.STARTTLS},
	{re: lazyre.OnDemand(`SMTPConnectError|_actionGreeting`), fixed: transcript.Banner},
	// qmail-remote's account of where the remote host refused ("Connected
	// to 134.170.2.199 but sender was rejected." before "Remote host said:
	// 550 ..."), and the DragonFly Mail Agent's "... did not like our final
	// DATA:" before the reply.
	{re: lazyre.OnDemand(`(?i)\bbut greeting failed`), fixed: transcript.Banner},
	{re: lazyre.OnDemand(`(?i)\bbut my name was rejected`), fixed: transcript.EHLO},
	{re: lazyre.OnDemand(`(?i)\bbut sender was rejected|\bdid(?:n't| not) like our MAIL\b`), fixed: transcript.Mail},
	{re: lazyre.OnDemand(`(?i)\bdoes not like recipient|\bdid(?:n't| not) like our RCPT\b`), fixed: transcript.Rcpt},
	{re: lazyre.OnDemand(`(?i)\bfailed on DATA command|\bfailed after I sent the message|\bdid(?:n't| not) like our (?:final )?DATA\b`), fixed: transcript.Data},
}

// inReplyStage maps Postfix's "in reply to end of DATA command" and the
// like (whitespace may come from a folded line).
func inReplyStage(m string) transcript.Stage {
	m = strings.Join(strings.Fields(m), " ")
	return stageOfPhrase(strings.TrimPrefix(strings.ToUpper(m), "IN REPLY TO "))
}

// commandNamed is the stage of the last SMTP command the words name
// ("did not accept STARTTLS", "rejected command 'BDAT 39278 LAST'").
func commandNamed(m string) transcript.Stage {
	f := strings.Fields(strings.Trim(m, "'\"<"))
	for i := len(f) - 1; i >= 0; i-- {
		w := strings.Trim(f[i], "'\"<")
		if i > 0 && (strings.EqualFold(w, "FROM") || strings.EqualFold(w, "TO")) {
			w = f[i-1] + " " + w
		}
		if st := stageOfCommand(w, false); st != "" {
			return st
		}
	}
	return ""
}

// lineHint returns the stage the clue's own line names for it, and the
// words; hints are looked for before the clue (not past an earlier clue)
// and, for "in reply to", right after its text.
func lineHint(c *clue, from int, ws *wordSet) (transcript.Stage, string) {
	if !ws.any(lineHintWords) {
		return "", ""
	}
	for _, h := range lineHints {
		if h.adjacent {
			if from > c.start {
				continue
			}
			if loc := h.re.Regexp().FindStringIndex(c.line[from:c.start]); loc != nil {
				if st := h.stageOf(c.line[from+loc[0] : from+loc[1]]); st != "" {
					return st, strings.TrimSpace(c.line[from+loc[0] : c.start])
				}
			}
			continue
		}
		for _, loc := range h.re.Regexp().FindAllStringIndex(c.line, 8) {
			ok := h.after && loc[0] >= c.start && loc[0] <= c.end+2 || h.trailer && loc[0] >= c.end && loc[0]-c.end <= 200 ||
				!h.after && loc[1] <= c.start+1 && loc[0] >= from ||
				!h.after && loc[0] >= c.start && loc[1] <= c.end && (c.reply != nil || loc[0]-c.start <= maxInsideHint) // words inside the reply ("during MAIL FROM")
			if !ok {
				continue
			}
			if st := h.stageOf(c.line[loc[0]:loc[1]]); st != "" {
				return st, strings.TrimSpace(c.line[loc[0]:loc[1]])
			}
		}
	}
	return "", ""
}

// blockHint returns the stage the clue's block names: the nearest hint in
// the lines around it up to a blank line (a stack trace, an error
// object's fields), within a bounded window. memo keeps each line's
// hint, so a paste of many clues reads each line once.
func blockHint(ls []logical, at int, memo map[int]found) (transcript.Stage, string) {
	const back, fwd = 12, 40
	var best transcript.Stage
	words, dist := "", 1<<30
	try := func(i int) bool {
		if i < 0 || i >= len(ls) || strings.TrimSpace(ls[i].text) == "" {
			return false
		}
		f, ok := memo[i]
		if !ok {
			f = lineBlockHint(&ls[i])
			memo[i] = f
		}
		if f.stage != "" && abs(i-at) < dist {
			best, words, dist = f.stage, f.words, abs(i-at)
		}
		return true
	}
	try(at)
	for i := at - 1; i >= at-back && try(i); i-- {
	}
	for i := at + 1; i <= at+fwd && try(i); i++ {
	}
	return best, words
}

// found is a hint found in a line: its stage and words.
type found struct {
	stage transcript.Stage
	words string
}

// blockHintWords: every blockHint's match holds one of them.
var blockHintWords = lex.add("command", "authenticat", "sasl", "smtp", "eauth", "_action", "system.net.mail", "in login", "sender", "recipient", "message", "starttls",
	"greeting failed", "my name was", "like our")

// lineBlockHint is the first block hint of line l.
func lineBlockHint(l *logical) found {
	if !l.words.any(blockHintWords) {
		return found{}
	}
	t := l.scanned()
	for _, h := range blockHints {
		if m := h.re.FindString(t); m != "" {
			if st := h.stageOf(m); st != "" {
				return found{st, strings.TrimSpace(m)}
			}
		}
	}
	return found{}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
