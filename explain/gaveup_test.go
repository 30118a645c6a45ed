package explain

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// TestClientGaveUp: a program's log that quits where AUTH was due is an
// authentication verdict; a person's test that quits after EHLO, or a
// session where no AUTH was offered, stays ok.
func TestClientGaveUp(t *testing.T) {
	php := func(ehloTLS string) string {
		return strings.Join([]string{
			"2024-03-13 13:35:06 SERVER -> CLIENT: 220 YQXPR0101CA0058.outlook.office365.com Microsoft ESMTP MAIL Service ready",
			"2024-03-13 13:35:06 CLIENT -> SERVER: EHLO localhost",
			"2024-03-13 13:35:06 SERVER -> CLIENT: 250-YQXPR0101CA0058.outlook.office365.com Hello [203.0.113.9]250-SIZE 157286400250-STARTTLS250 SMTPUTF8",
			"2024-03-13 13:35:06 CLIENT -> SERVER: STARTTLS",
			"2024-03-13 13:35:06 SERVER -> CLIENT: 220 2.0.0 SMTP server ready",
			"2024-03-13 13:35:06 CLIENT -> SERVER: EHLO localhost",
			"2024-03-13 13:35:06 SERVER -> CLIENT: " + ehloTLS,
			"2024-03-13 13:35:06 CLIENT -> SERVER: QUIT",
			"2024-03-13 13:35:07 SERVER -> CLIENT: 221 2.0.0 Service closing transmission channel",
		}, "\n")
	}
	for _, tc := range []struct {
		name, paste string
		category    catalog.Category
		stage       transcript.Stage
	}{
		{"library-quits-at-auth", php("250-YQXPR0101CA0058.outlook.office365.com Hello [203.0.113.9]250-SIZE 157286400250-AUTH LOGIN XOAUTH2250-8BITMIME250 SMTPUTF8"), catalog.AuthCat, transcript.Auth},
		{"library-no-auth-offered", php("250-YQXPR0101CA0058.outlook.office365.com Hello [203.0.113.9]250-SIZE 157286400250 SMTPUTF8"), catalog.OK, ""},
		{"telnet-quits-after-ehlo", "220 x.outlook.office365.com Microsoft ESMTP MAIL Service ready\nEHLO test\n250-x Hello [203.0.113.9]\n250-AUTH LOGIN XOAUTH2\n250 SMTPUTF8\nQUIT\n221 2.0.0 Service closing transmission channel\n", catalog.OK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Transcript(tc.paste)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict.Category != tc.category || res.Verdict.Stage != tc.stage {
				t.Errorf("verdict = %s at %q, want %s at %q: %s", res.Verdict.Category, res.Verdict.Stage, tc.category, tc.stage, res.Verdict.Summary())
			}
		})
	}
}

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
