package sim

import (
	"crypto/tls"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDomainOption: with Options.Domain the tenant's accepted domain is
// the user's: the MX accepts its recipients (and its subdomains'), not
// other domains' (contoso.com included), and RejectDirectSend refuses its
// senders. Without it nothing changes (contoso.com).
func TestDomainOption(t *testing.T) {
	tests := []struct {
		scenario, domain, from, to string
		code                       int
		text                       string
	}{
		{"directsend-ok", "example.org", "scanner@example.org", "frontdesk@example.org", 250, `^2\.1\.5 Recipient OK$`},
		{"directsend-ok", "Example.ORG.", "scanner@example.org", "frontdesk@sales.example.org", 250, `^2\.1\.5 Recipient OK$`},
		{"directsend-ok", "example.org", "scanner@example.org", "frontdesk@contoso.com", 550, `Relay Access Denied`},
		{"directsend-ok", "", "scanner@contoso.com", "frontdesk@contoso.com", 250, `^2\.1\.5 Recipient OK$`},
		{"directsend-rejected", "example.org", "scanner@example.org", "frontdesk@example.org", 550, `^5\.7\.68 TenantInboundAttribution`},
		{"directsend-rejected", "example.org", "scanner@contoso.com", "frontdesk@example.org", 250, `^2\.1\.5 Recipient OK$`},
	}
	for _, tt := range tests {
		t.Run(tt.scenario+"/"+tt.domain+"/"+tt.from+"/"+tt.to, func(t *testing.T) {
			_, addr := startServer(t, mustFind(t, tt.scenario), Options{CA: testCA(t), IdleTimeout: clientTimeout, Domain: tt.domain})
			c := dial(t, addr)
			c.expect(c.read(), 220, `Microsoft ESMTP MAIL Service ready`)
			c.expect(c.cmd("EHLO mfp.example.org"), 250, `Hello \[127\.0\.0\.1\]`)
			c.expect(c.cmd("MAIL FROM:<"+tt.from+">"), 250, `^2\.1\.0 Sender OK$`)
			c.expect(c.cmd("RCPT TO:<"+tt.to+">"), tt.code, tt.text)
		})
	}
}

// TestDomainConnectorCertificate: the certificate connector matches a
// certificate that names the configured domain, and no longer one that
// names contoso.com.
func TestDomainConnectorCertificate(t *testing.T) {
	ca := testCA(t)
	for name, want := range map[string]int{"relay.example.org": 250, "relay.contoso.com": 550} {
		t.Run(name, func(t *testing.T) {
			_, addr := startServer(t, mustFind(t, "relay-certificate"), Options{CA: ca, IdleTimeout: clientTimeout, Domain: "example.org"})
			certPEM, keyPEM, err := ca.IssueClient(name, time.Now().Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			pair, err := tls.X509KeyPair(certPEM, keyPEM)
			if err != nil {
				t.Fatal(err)
			}
			c := dial(t, addr)
			c.read()
			c.cmd("EHLO mfp.example.org")
			c.expect(c.cmd("STARTTLS"), 220, ``)
			cfg := clientTLS(ca, "localhost")
			cfg.Certificates = []tls.Certificate{pair}
			c.handshake(cfg)
			c.expect(c.cmd("EHLO mfp.example.org"), 250, ``)
			c.expect(c.cmd("MAIL FROM:<scanner@example.org>"), 250, ``)
			r := c.cmd("RCPT TO:<orders@fabrikam.example>")
			if r.code != want {
				t.Errorf("external RCPT with a certificate for %s = %d %q, want %d", name, r.code, r.text(), want)
			}
		})
	}
}

func TestValidDomain(t *testing.T) {
	for in, want := range map[string]string{
		"contoso.com": "contoso.com", "Example.ORG.": "example.org", " mail.example.org ": "mail.example.org",
		"xn--bcher-kva.example": "xn--bcher-kva.example",
	} {
		if got, err := ValidDomain(in); err != nil || got != want {
			t.Errorf("ValidDomain(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "localhost", "a..b", "-a.com", "a-.com", "a_b.com", "a b.com", "user@example.org",
		strings.Repeat("a", 64) + ".com", strings.Repeat("a.", 130) + "com"} {
		if _, err := ValidDomain(bad); err == nil {
			t.Errorf("ValidDomain(%q) accepted it", bad)
		}
	}
	_, err := NewServer(mustFind(t, "directsend-ok"), Options{CA: testCA(t), Domain: "not a domain"})
	if err == nil || !regexp.MustCompile(`not a mail domain`).MatchString(err.Error()) {
		t.Errorf("NewServer with a bad domain: %v", err)
	}
}

func mustFind(t *testing.T, name string) *Scenario {
	t.Helper()
	sc, err := Find(name)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
