package explain

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestUnglue: a multi-line reply printed without its CRLFs is split where
// its own code starts a line again; other lines are left whole.
func TestUnglue(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"250-h Hello [1.2.3.4]250-SIZE 157286400250-AUTH LOGIN XOAUTH2250-8BITMIME250 SMTPUTF8",
			[]string{"250-h Hello [1.2.3.4]", "250-SIZE 157286400", "250-AUTH LOGIN XOAUTH2", "250-8BITMIME", "250 SMTPUTF8"}},
		{"250-SIZE 157286400", []string{"250-SIZE 157286400"}},
		{"250 OK 250 more", []string{"250 OK 250 more"}},
		{"550 5.7.1 see 550-X", []string{"550 5.7.1 see 550-X"}},
	} {
		if diff := cmp.Diff(tc.want, unglue(tc.in)); diff != "" {
			t.Errorf("unglue(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// TestClosingQuote: a quoted reply ends at its closing quote, not at an
// apostrophe inside a word.
func TestClosingQuote(t *testing.T) {
	for _, tc := range []struct {
		rest string
		q    byte
		want int
	}{
		{"550 5.1.90 Your message can't be sent'**", '\'', 37},
		{"535 5.7.3 Authentication unsuccessful' in", '\'', 37},
		{`550 x" y`, '"', 5},
		{"no close", '\'', -1},
	} {
		if got := closingQuote(tc.rest, tc.q); got != tc.want {
			t.Errorf("closingQuote(%q) = %d, want %d", tc.rest, got, tc.want)
		}
	}
}

// TestAwaitingData: a session whose last line is the message's end, with
// no reply after it, is a failure at data when the text says the session
// then closed, and not enough evidence at data when it says nothing.
func TestAwaitingData(t *testing.T) {
	const session = "220 mx.example.com ESMTP\nEHLO scanner\n250 mx.example.com\nMAIL FROM:<scan@example.com>\n250 OK\nRCPT TO:<a@example.com>\n250 OK\nDATA\n354 Go ahead\nSubject: scan\n\nbody\n.\n"
	for _, tc := range []struct {
		name, tail, category, rule string
	}{
		{"closed", "Disconnected.\n\nError: Connection closed.\nFailed to send message\n", "service", "explain:closed-after-data"},
		{"cut", "", "unknown", "explain:data-unanswered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := Transcript(session + tc.tail)
			if v := res.Verdict; string(v.Category) != tc.category || v.Stage != "data" || v.Rule != tc.rule {
				t.Errorf("verdict %s at %s (%s), want %s at data (%s)", v.Category, v.Stage, v.Rule, tc.category, tc.rule)
			}
		})
	}
}

// TestSkippedTLS: a client that quits after an EHLO offering STARTTLS and
// no AUTH failed to start TLS when the text says it failed; a plain log
// of someone quitting there by hand stays ok.
func TestSkippedTLS(t *testing.T) {
	const log = "[28-Nov-2019 11:08:54 +0000]: <1lnaie7h> Recv: 220 mx.example.com ESMTP Postfix\n[28-Nov-2019 11:08:54 +0000]: <1lnaie7h> Send: EHLO webmail\n[28-Nov-2019 11:08:54 +0000]: <1lnaie7h> Recv: 250-mx.example.com\n[28-Nov-2019 11:08:54 +0000]: <1lnaie7h> Recv: 250-STARTTLS\n[28-Nov-2019 11:08:54 +0000]: <1lnaie7h> Recv: 250 8BITMIME\n[28-Nov-2019 11:08:54 +0000]: <1lnaie7h> Send: QUIT\n[28-Nov-2019 11:08:54 +0000]: <1lnaie7h> Recv: 221 2.0.0 Bye\n"
	for _, tc := range []struct{ name, text, category, stage string }{
		{"stated", "SMTP Error (250): Authentication failed.\n" + log, "tls", "starttls"},
		{"by-hand", log, "ok", "ehlo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := Transcript(tc.text)
			if v := res.Verdict; string(v.Category) != tc.category || string(v.Stage) != tc.stage {
				t.Errorf("verdict %s at %s (%s), want %s at %s", v.Category, v.Stage, v.Rule, tc.category, tc.stage)
			}
		})
	}
}
