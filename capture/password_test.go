package capture

import (
	"strings"
	"testing"
)

func TestPasswordProperties(t *testing.T) {
	cases := []struct {
		name, got string
		check     func(p *Password) bool
	}{
		{"plain", "Scanner2026", func(p *Password) bool {
			return p.Length == 11 && !p.NonASCII && !p.LeadingSpace && !p.TrailingSpace && len(p.MangleProne) == 0
		}},
		{"whitespace", " pass word ", func(p *Password) bool { return p.LeadingSpace && p.TrailingSpace }},
		{"mangle-prone", `a&b<c>d"e'f%g+h#i\j`, func(p *Password) bool { return strings.Join(p.MangleProne, "") == `&<>"'%+#\` }},
		{"latin-1", "Müller2026", func(p *Password) bool { return p.NonASCII && !p.NonLatin1 && p.Length == 10 && p.Bytes == 11 }},
		{"beyond latin-1", "Пароль2026", func(p *Password) bool { return p.NonLatin1 }},
		{"not utf-8", "M\xfcller", func(p *Password) bool { return p.NotUTF8 }},
		{"control", "tab\there", func(p *Password) bool { return p.Control }},
		{"empty", "", func(p *Password) bool { return p.Length == 0 }},
	}
	for _, tc := range cases {
		if p := describePassword([]byte(tc.got), nil); !tc.check(p) || p.Match != "" {
			t.Errorf("%s: got %+v", tc.name, p)
		}
	}
}

// TestPasswordCompare: the comparison names the device's usual mistakes.
func TestPasswordCompare(t *testing.T) {
	const expected = "Grüße&Co 2026"
	cases := []struct{ got, want string }{
		{expected, MatchYes},
		{expected + " ", "whitespace"},
		{"Grüße&amp;Co 2026", "HTML-escaped"},
		{"Gr%C3%BC%C3%9Fe%26Co+2026", "URL-encoded"},
		{"Gr\xfc\xdfe&Co 2026", "Latin-1"},
		{"grüße&co 2026", "letter case"},
		{"Grüße&C", "first 7 characters"},
		{"something else", MatchNo},
		{"", MatchNo},
	}
	for _, tc := range cases {
		got := compare([]byte(tc.got), []byte(expected))
		if !strings.Contains(got, tc.want) {
			t.Errorf("compare(%q): got %q, want %q", tc.got, got, tc.want)
		}
	}
}

func TestUsernameFormat(t *testing.T) {
	cases := map[string]string{
		"scanner@contoso.com": UsernameUPN, `CONTOSO\scanner`: UsernameDownLevel, "scanner": UsernameBare,
		"": UsernameEmpty, "scanner@contoso": UsernameOdd, "scan ner@contoso.com": UsernameOdd, "a@b@c.com": UsernameOdd,
	}
	for u, want := range cases {
		if got := usernameFormat(u); got != want {
			t.Errorf("usernameFormat(%q) = %s, want %s", u, got, want)
		}
	}
}
