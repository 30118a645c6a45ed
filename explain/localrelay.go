package explain

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// A mail server logs its own refusals of its own clients in a shape of
// its own: Postfix's smtpd "NOQUEUE: reject: RCPT from host[ip]: 554
// 5.7.1 <x>: Relay access denied; from=<...> to=<...>" (smtpd_check.c,
// smtpd.c), sendmail's "ruleset=check_rcpt, arg1=<x>, relay=..., reject=550
// 5.7.1 <x>... Relaying denied", Exim's rejectlog "H=(helo) [ip] F=<x>
// rejected RCPT <y>: relay not permitted". Such a line is the LOCAL relay
// refusing the device or application in front of it, never Microsoft 365
// (whose refusals a relay logs as its smtp client's "said:" or "status=
// bounced" lines): the message never left, and the fix is the relay's own
// configuration (which clients it admits, its restrictions and lookup
// tables), whatever the reply's words say. The line names the command it
// refused.

// localMTA is one server's log shape for refusing its own client.
type localMTA struct {
	name     string
	keys     []keyword
	re       *lazyre.Regexp // group 1: the command refused
	settings string         // where that server admits its clients
}

var localMTAs = []localMTA{
	{name: "Postfix (smtpd)", keys: lex.add("reject: "),
		re:       lazyre.OnDemand(`(?i)(?:^|\W)(?:NOQUEUE|[0-9A-Z]{5,}): (?:milter-)?reject: (RCPT|MAIL|DATA|END-OF-MESSAGE|CONNECT|EHLO|HELO|VRFY|ETRN|BDAT|AUTH) from \S+: $`),
		settings: "mynetworks (or SMTP AUTH for the client), smtpd_relay_restrictions and smtpd_recipient_restrictions, smtpd_sender_restrictions and smtpd_helo_restrictions, and any access, recipient or transport table the reject text names (a table's value must be an action such as OK or REJECT, not a next-hop host)"},
	{name: "sendmail", keys: lex.add("ruleset=check_"),
		re:       lazyre.OnDemand(`(?i)\bruleset=check_(rcpt|mail|relay|data|eoh|eom)\b.{0,400}?\breject=$`),
		settings: "its access database and the relay domains it accepts (FEATURE(access_db), relay-domains, Connect: and To: entries)"},
}

// localReject reports whether the reply that starts at pos of line l is
// a local server's refusal of its own client, and the command the line
// names.
func localReject(l string, pos int, ws *wordSet) (*localMTA, string, bool) {
	for i := range localMTAs {
		m := &localMTAs[i]
		if !ws.any(m.keys) {
			continue
		}
		before := l[max(0, pos-600):pos]
		if s := m.re.Regexp().FindStringSubmatch(before); s != nil {
			return m, strings.ToUpper(s[1]), true
		}
	}
	return nil, "", false
}

// localStage maps the refused command a log names to its stage.
func localStage(cmd string) transcript.Stage {
	switch strings.ToUpper(cmd) {
	case "CONNECT", "RELAY":
		return transcript.Banner
	case "END-OF-MESSAGE", "EOH", "EOM":
		return transcript.Data
	}
	return stageOfPhrase(cmd)
}

// unknownMailboxRE: a local server's refusal because the recipient has no
// mailbox there (Postfix's "User unknown in local recipient table",
// "... in virtual mailbox table"): the address, not the relay's rules for
// admitting clients, so the diagnosis's recipient verdict stands.
var unknownMailboxRE = lazyre.OnDemand(`(?i)\buser unknown\b|\bunknown user\b|\bno such (?:user|mailbox)\b|\bmailbox (?:unavailable|not found|does not exist)\b`)

func localUnknownRecipient(c *clue) bool {
	return c.reply != nil && unknownMailboxRE.MatchString(c.reply.Text())
}

// applyLocal gives the verdict on a local server's refusal of its own
// client: the relay's configuration, at the command it refused.
func applyLocal(res *Result, c *clue) {
	m := c.local
	v := res.Verdict
	v.Category, v.Step, v.Rule = catalog.Config, 1, "explain:local-relay-refused"
	v.Finding = fmt.Sprintf("the local mail server (%s, not Microsoft 365) refused its client at %s: its own settings do not admit this client, sender or recipient, so the message never left it for Microsoft 365", m.name, c.errWords)
	v.Notes = nil // the finding replaces the diagnosis, notes included
	v.Next = "fix the relay's configuration, not the Microsoft 365 side: check " + m.settings + "; then resend and look for the relay's own delivery to Microsoft 365 in its log"
	v.Source = "the server's own log format (Postfix smtpd_check.c \"NOQUEUE: reject: <command> from\", sendmail \"ruleset=check_* ... reject=\", Exim \"rejected RCPT\"); RFC 5321 section 3.6.2 (relaying)"
	v.Learn = learnConfig()
	res.Verdict = v
}
