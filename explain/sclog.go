package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/internal/lazyre"
)

// scLineRE is a plain protocol log line: "S: 220 ..." / "C: EHLO ...", as
// RFC examples, MailKit's ProtocolLogger and smtpspec's own goldens write
// them, also "S <- " / "C -> " and "<<< " / ">>> " variants.
// mailsend's verbose "[S] 220 ..." / "[C] EHLO ..." too.
// Roundcube's SMTP log ("[28-Nov-2019 11:08:54 +0000]: <1lnaie7h> Recv:
// 220 ...", "Send: EHLO ...", PEAR Net_SMTP's debug words) is one too.
// Exim's debug output ("510   SMTP<< 220 ...", "SMTP>> EHLO", with the
// process id first) and Claws Mail's log ("SMTP< 530 ...") are read too,
// and Chilkat's ("SmtpCmdSent: EHLO ...", "SmtpCmdResp: 220 ...").
var scLineRE = lazyre.OnDemand(`^\s*(?:\d+\s+)?(?:\[[^\]]*\]:?\s*)?(?:<\w{1,40}>\s*)?(?:(S|C|SERVER|CLIENT|Recv|Send|SmtpCmdResp|SmtpCmdSent)\s?:|\[(S|C)\]|(<<<|>>>|SMTP<<?|SMTP>>?|-->|<--))\s?(.*)$`)

// parseSCLog reads S:/C: logs. smtpspec goldens' "T:" lines mark TLS.
func parseSCLog(lines []string) ([]event, int) {
	var evs []event
	n := 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			continue
		case strings.HasPrefix(t, "T: "):
			n++
			ver, _, _ := strings.Cut(strings.TrimPrefix(t, "T: "), " ")
			evs = append(evs, event{kind: evTLS, text: ver})
			continue
		case strings.HasPrefix(t, "= ") || strings.HasPrefix(t, "# smtpspec"):
			n++ // smtpspec golden result lines: the lines above carry the facts
			continue
		}
		if !scMay(l) {
			continue
		}
		m := scLineRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		dir, text := m[1]+m[2]+m[3], m[4]
		switch dir {
		case "-->", "<--":
			// A packet dump's arrows ("--> 220 ...", "<-- EHLO ..."): tools
			// and hand-made dumps disagree on which way each points, so
			// the line says it: a reply code is the server's. Python
			// bytes and bracketed notes are Email OAuth 2.0 Proxy's
			// (oauth2proxy.go).
			t := strings.TrimSpace(text)
			if strings.HasPrefix(t, "b'") || strings.HasPrefix(t, `b"`) || strings.HasPrefix(t, "[ ") {
				continue
			}
			n++
			if startsReply(t) {
				evs = append(evs, event{kind: evServer, text: t})
			} else {
				evs = append(evs, clientOrTLS(t)...)
			}
			continue
		}
		n++
		switch dir {
		case "S", "SERVER", "Recv", "SmtpCmdResp", "<<<", "SMTP<<", "SMTP<":
			evs = append(evs, event{kind: evServer, text: strings.TrimRight(text, " ")})
		default:
			evs = append(evs, clientOrTLS(text)...)
		}
	}
	return evs, n
}

// clientOrTLS records a client line; a TLS marker some logs print in the
// client column ("<TLS handshake>") becomes a TLS event.
func clientOrTLS(text string) []event {
	t := strings.TrimSpace(text)
	if strings.Contains(strings.ToLower(t), "tls handshake") || strings.EqualFold(t, "<starttls negotiated>") {
		return []event{{kind: evTLS}}
	}
	return []event{{kind: evClient, text: t}}
}

// scMay: the start of l holds a direction marker scLineRE reads ("S:",
// "C :", "SERVER:", "<<<", "SMTP<<"); only then does the expression run.
func scMay(l string) bool {
	head := window(l, 0, 96)
	for _, m := range []string{"S:", "C:", "S :", "C :", "SERVER", "CLIENT", "Recv:", "Send:", "SmtpCmd", "[S]", "[C]", "<<<", ">>>", "SMTP<", "SMTP>", "-->", "<--"} {
		if strings.Contains(head, m) {
			return true
		}
	}
	return false
}
