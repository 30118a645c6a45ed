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
