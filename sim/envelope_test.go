package sim

import "testing"

func TestMessageID(t *testing.T) {
	for line, want := range map[string]string{
		"Message-ID: <scan-1@mfp.contoso.local>": "<scan-1@mfp.contoso.local>",
		"message-id:<a@b>":                       "<a@b>",
		"Message-ID: scan-1@mfp>":                "",
		"Message-ID: <scan-1@mfp":                "",
		"Message-ID: <no-at-sign>":               "",
		"Message-ID: <HOST>":                     "",
		"Message-ID: <a b@c>":                    "",
		"Message-ID: <a<TOKEN>@c>":               "",
		"Subject: <a@b>":                         "",
	} {
		if got := messageID(line); got != want {
			t.Errorf("messageID(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestParsePath(t *testing.T) {
	for _, tt := range []struct {
		arg, kw, addr, params string
		ok                    bool
	}{
		{"FROM:<scanner@contoso.com>", "FROM:", "scanner@contoso.com", "", true},
		{"from: <scanner@contoso.com> SIZE=10 BODY=8BITMIME", "FROM:", "scanner@contoso.com", "SIZE=10 BODY=8BITMIME", true},
		{"FROM:<>", "FROM:", "", "", true},
		{"FROM:scanner@contoso.com", "FROM:", "", "", false},
		{"FROM:<scanner@contoso.com", "FROM:", "", "", false},
		{"FROM:<scan ner@contoso.com>", "FROM:", "", "", false},
		{"FROM:<scanner>", "FROM:", "", "", false},
		{"TO:<a@b>", "FROM:", "", "", false},
		{"FR", "FROM:", "", "", false},
	} {
		addr, params, ok := parsePath(tt.arg, tt.kw)
		if addr != tt.addr || params != tt.params || ok != tt.ok {
			t.Errorf("parsePath(%q) = %q, %q, %v", tt.arg, addr, params, ok)
		}
	}
}

func TestAcceptedDomains(t *testing.T) {
	for addr, want := range map[string]bool{
		"a@contoso.com": true, "a@CONTOSO.COM": true, "a@sales.contoso.com": true, "a@contoso.com.": true,
		"a@fabrikam.com": false, "a@notcontoso.com": false, "a@contoso.com.evil.net": false, "": false, "contoso.com": false,
	} {
		if got := accepted(addr, DefaultDomain); got != want {
			t.Errorf("accepted(%q) = %v", addr, got)
		}
	}
}
