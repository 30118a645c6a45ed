package explain

import (
	"slices"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// TestLexicon: the lexicon finds its words in one pass, ignoring ASCII
// case, and no others.
func TestLexicon(t *testing.T) {
	ws := lex.scan("Error: connect ETIMEDOUT 40.101.92.18:587 while TALKING to Smtp.Office365.com")
	for _, k := range []keyword{lex.ids["etimedout"], lex.ids["office365"], lex.ids["smtp"]} {
		if !ws.has(k) {
			t.Errorf("word %q not found", lex.words[k])
		}
	}
	if ws.has(lex.ids["greeting"]) || ws.any(tellingWords) {
		t.Error("a word the line does not hold was found")
	}
}

// TestReplyCandidates: candidates are digits 2-5 that start a
// three-digit number or an enhanced code, not inside longer numbers or
// versions.
func TestReplyCandidates(t *testing.T) {
	cases := map[string][]int{
		"550 5.7.1 denied":       {0, 4},
		"v1.5.2 build 12345":     nil,
		"port 587, 2550 retries": {5}, // a superset: 587 is read, and refused by the expressions
		"(535, b'5.7.139 x')":    {1, 8},
	}
	for s, want := range cases {
		if got := replyCandidates(s); !slices.Equal(got, want) {
			t.Errorf("replyCandidates(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestNoGuessedCode: a reply text without its code gets the code of the
// catalog row its enhanced code and words identify, or none (0): never
// the class's usual code.
func TestNoGuessedCode(t *testing.T) {
	cases := []struct {
		line  string
		code  int
		cat   catalog.Category
		stage transcript.Stage
	}{
		{"5.7.3 Authentication unsuccessful [DB6P18901CA0015.EURP189.PROD.OUTLOOK.COM]", 535, catalog.AuthCat, "auth"},
		{"5.7.3 STARTTLS is required to send mail [X]", 451, catalog.TLSCat, "mail"},
		{"5.3.87 Message refused for a reason the catalog has never seen", 0, catalog.Service, transcript.Unstaged},
	}
	for _, tc := range cases {
		res, err := Reply(tc.line)
		if err != nil {
			t.Fatalf("Reply(%q): %v", tc.line, err)
		}
		v := res.Verdict
		if v.Code != tc.code || v.Category != tc.cat || v.Stage != tc.stage {
			t.Errorf("Reply(%q) = %d %s at %q, want %d %s at %q", tc.line, v.Code, v.Category, v.Stage, tc.code, tc.cat, tc.stage)
		}
		if tc.code == 0 && strings.Contains(v.Evidence, "0 5.") {
			t.Errorf("evidence shows an invented code: %q", v.Evidence)
		}
	}
}

// TestRulesOnShortPastes: each general rule on the smallest paste that
// shows it, with what must be set aside and why.
func TestRulesOnShortPastes(t *testing.T) {
	cases := []struct {
		name, paste string
		cat         catalog.Category
		stage       transcript.Stage
		aside       string // a word of the reason a line was set aside
	}{
		{"recovered typo", "220 X.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready\nHELO x\n250 X Hello\nMail\n501 5.5.4 Unrecognized parameter\nMAIL FROM:<a@contoso.com>\n250 2.1.0 Sender OK\nRCPT TO:<b@contoso.com>\n250 2.1.5 Recipient OK\nQUIT\n221 2.0.0 Bye\n",
			catalog.OK, transcript.Rcpt, "recovered"},
		{"error beside a working session", "SMTP server did not accept STARTTLS with error: 503 5.5.2 Send hello first [X.eop-EUR03.prod.protection.outlook.com]\n\ntelnet x.mail.protection.outlook.com 25\n220 X.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready\nEHLO\n250-X Hello\n250 STARTTLS\nQUIT\n221 2.0.0 Bye\n",
			catalog.Config, "starttls", "control"},
		{"quoted greeting of another server", "Connecting to contoso-com.mail.protection.outlook.com on port 25 I get: 220-We do not authorize the use of this system to transport unsolicited mail\n",
			catalog.Firewall, "banner", ""},
		{"late greeting", "Connection: opening to smtp.office365.com:587, timeout=60\nConnection: opened\nSERVER -> CLIENT: \nCLIENT -> SERVER: EHLO a\nSERVER -> CLIENT: 220 X.outlook.office365.com Microsoft ESMTP MAIL Service ready\nCLIENT -> SERVER: HELO a\nSERVER -> CLIENT: 250 X Hello\n",
			catalog.Firewall, "banner", ""},
		{"repeated reply", "Error: Message failed: 432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=X] at: Error: Message failed: 432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=X]\n",
			catalog.Policy, "data", ""},
		{"message content before the reply", "C: --=-DdAczYjEkl/ABnOTLAA2UQ==--\nS: 552 5.3.4 Header size exceeds fixed maximum size\n",
			catalog.Config, "data", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Transcript(tc.paste)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict.Category != tc.cat || res.Verdict.Stage != tc.stage {
				t.Errorf("%s at %q, want %s at %q: %s", res.Verdict.Category, res.Verdict.Stage, tc.cat, tc.stage, res.Verdict.Summary())
			}
			if tc.aside == "" {
				return
			}
			for _, a := range res.SetAside {
				if strings.Contains(a.Why, tc.aside) {
					return
				}
			}
			t.Errorf("nothing set aside as %q: %+v", tc.aside, res.SetAside)
		})
	}
}

// TestRepeatedReplyIsOne: a reply said twice on one line is one clue, its
// text without the words that introduced the repetition.
func TestRepeatedReplyIsOne(t *testing.T) {
	l := "Error: Message failed: 432 4.3.2 limit exceeded [H] at: Error: Message failed: 432 4.3.2 limit exceeded [H]"
	cs := lineClues(0, l, new(wordSet))
	if len(cs) != 1 || cs[0].inner {
		t.Fatalf("clues = %+v, want one", cs)
	}
	if got := cs[0].reply.Text(); got != "4.3.2 limit exceeded [H]" {
		t.Errorf("text %q", got)
	}
}

// TestErrorTextIsBounded: an error's evidence is its sentence, not a
// whole stack-trace line.
func TestErrorTextIsBounded(t *testing.T) {
	l := strings.Repeat("x", 500) + ". Failed to connect to smtp.office365.com port 587: Timed out Stack trace: #0 " + strings.Repeat("y", 500)
	ws := lex.scan(l)
	cs := errorClues(0, l, &ws)
	if len(cs) != 1 {
		t.Fatalf("clues = %d", len(cs))
	}
	if got := cs[0].text; strings.Contains(got, "xxx") || strings.Contains(got, "Stack trace") || !strings.HasPrefix(got, "...Failed to connect") {
		t.Errorf("error text %q", got)
	}
}
