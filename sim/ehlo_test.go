package sim

import (
	"regexp"
	"slices"
	"testing"
)

// TestEHLOLists checks the EHLO replies line by line against FACTS.md
// section 2: before TLS with STARTTLS and no AUTH; after TLS without
// STARTTLS and, on submission only, with AUTH LOGIN XOAUTH2 between
// ENHANCEDSTATUSCODES and 8BITMIME.
func TestEHLOLists(t *testing.T) {
	pre := []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}
	subPost := []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "AUTH LOGIN XOAUTH2", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}
	mxPost := []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}
	masked := []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "XXXXXXXA", "8BITMIME", "BINARYMIME", "XXXXXXXX", "XXXXXXXX"}
	tests := []struct {
		scenario   string
		host       string // pattern of the greeting's host
		pre, post  []string
		tlsAllowed bool
	}{
		{"submission-ok", subHost + `\.outlook\.office365\.com`, pre, subPost, true},
		{"directsend-ok", mxHost + `\.mail\.protection\.outlook\.com`, pre, mxPost, true},
		{"relay-ok", mxHost + `\.mail\.protection\.outlook\.com`, pre, mxPost, true},
		{"firewall-inspection", mxHost + `\.mail\.protection\.outlook\.com`, masked, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			srv, addr := startScenario(t, tt.scenario)
			c := dial(t, addr)
			c.read()
			greeting := regexp.MustCompile(`^` + tt.host + ` Hello \[127\.0\.0\.1\]$`)
			check := func(r reply, want []string) {
				t.Helper()
				if r.code != 250 || len(r.lines) == 0 || !greeting.MatchString(r.lines[0]) || !slices.Equal(r.lines[1:], want) {
					t.Fatalf("EHLO reply %d:\n%s\nwant greeting %s then\n%q", r.code, r.text(), greeting, want)
				}
			}
			check(c.cmd("EHLO mfp-3f.contoso.local"), tt.pre)
			if !tt.tlsAllowed {
				return
			}
			c.expect(c.cmd("STARTTLS"), 220, `^2\.0\.0 SMTP server ready$`)
			c.handshake(clientTLS(srv.CA(), "localhost"))
			check(c.cmd("EHLO mfp-3f.contoso.local"), tt.post)
		})
	}
}

// Every connection makes up its own front-end name and token, as the real
// service does; the golden normaliser depends on scrubbing them.
func TestIdentityVariesPerConnection(t *testing.T) {
	_, addr := startScenario(t, "submission-ok")
	seen := map[string]bool{}
	for i := 0; i < 5; i++ {
		c := dial(t, addr)
		seen[c.read().text()] = true
		c.cmd("QUIT")
	}
	if len(seen) < 2 {
		t.Errorf("five connections produced the same banner: %v", seen)
	}
}
