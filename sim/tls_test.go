package sim

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// startTLSConn opens a session and gets as far as the 220 to STARTTLS.
func startTLSConn(t *testing.T, addr string) *client {
	t.Helper()
	c := dial(t, addr)
	c.read()
	c.cmd("EHLO mfp-3f.contoso.local")
	c.expect(c.cmd("STARTTLS"), 220, `^2\.0\.0 SMTP server ready$`)
	return c
}

// The leaf verifies against the CA for the loopback names and the
// Microsoft names a demo redirects, and against nothing else.
func TestCertificateVerifies(t *testing.T) {
	srv, addr := startScenario(t, "submission-ok")
	for _, name := range []string{"127.0.0.1", "localhost", "smtp.office365.com", "contoso-com.mail.protection.outlook.com"} {
		t.Run(name, func(t *testing.T) {
			c := startTLSConn(t, addr)
			tc := c.handshake(clientTLS(srv.CA(), name))
			st := tc.ConnectionState()
			if st.Version < tls.VersionTLS12 || !strings.HasPrefix(tls.CipherSuiteName(st.CipherSuite), "TLS_") {
				t.Errorf("negotiated %s %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
			}
			leaf := st.PeerCertificates[0]
			if leaf.Subject.CommonName != "outlook.com" || leaf.Issuer.CommonName != srv.CA().Cert.Subject.CommonName {
				t.Errorf("leaf subject %q issuer %q", leaf.Subject, leaf.Issuer)
			}
			c.expect(c.cmd("EHLO mfp"), 250, `AUTH LOGIN XOAUTH2`)
		})
	}
	t.Run("wrong name", func(t *testing.T) {
		c := startTLSConn(t, addr)
		err := tls.Client(c.raw, clientTLS(srv.CA(), "smtp.example.net")).Handshake()
		var he x509.HostnameError
		if !errors.As(err, &he) {
			t.Errorf("handshake for a name not in the certificate: %v", err)
		}
	})
	t.Run("other CA", func(t *testing.T) {
		other, err := NewCA()
		if err != nil {
			t.Fatal(err)
		}
		c := startTLSConn(t, addr)
		err = tls.Client(c.raw, clientTLS(other, "localhost")).Handshake()
		var ua x509.UnknownAuthorityError
		if !errors.As(err, &ua) {
			t.Errorf("handshake trusting another CA: %v", err)
		}
	})
}

// The leaf carries the listener's own IP when it is not loopback's usual one.
func TestCertificateCoversListenerIP(t *testing.T) {
	ca := testCA(t)
	for _, tt := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.ParseIP("127.0.0.2"), Port: 25}, "127.0.0.2"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 25}, "::1"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 25}, "127.0.0.1"},
	} {
		leaf, err := ca.issueLeaf(tt.addr, "submission", time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = leaf.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: tt.want})
		if err != nil {
			t.Errorf("leaf for %s does not verify for %s: %v (IPs %v)", tt.addr, tt.want, err, leaf.Leaf.IPAddresses)
		}
	}
}

// A fixed clock far from the real one still gives a certificate that a
// client using either clock accepts.
func TestCertificateValidAroundInjectedClock(t *testing.T) {
	ca := testCA(t)
	past := time.Date(2024, 10, 13, 16, 12, 2, 0, time.UTC)
	leaf, err := ca.issueLeaf(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, "direct_send", past, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{past, time.Now()} {
		if _, err := leaf.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "localhost", CurrentTime: at}); err != nil {
			t.Errorf("at %s: %v", at, err)
		}
	}
	if leaf.Leaf.Subject.CommonName != "mail.protection.outlook.com" {
		t.Errorf("MX leaf subject %q", leaf.Leaf.Subject.CommonName)
	}
}

// legacyClient is a device whose TLS stack stops at version v.
func legacyClient(ca *CA, v uint16) *tls.Config {
	return &tls.Config{
		RootCAs: ca.Pool(), ServerName: "smtp.office365.com",
		MinVersion: tls.VersionTLS10, MaxVersion: v,
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA},
	}
}

// Microsoft's default endpoint accepts the TLS 1.0/1.1 handshake and then
// answers the next command with 421 4.7.66 (github.com/zehm/sendEmail/issues/1).
func TestLegacyTLSRefused(t *testing.T) {
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		t.Run(tls.VersionName(v), func(t *testing.T) {
			srv, addr := startScenario(t, "legacy-tls-refused")
			c := startTLSConn(t, addr)
			tc := c.handshake(legacyClient(srv.CA(), v))
			if got := tc.ConnectionState().Version; got != v {
				t.Fatalf("negotiated %s, want %s", tls.VersionName(got), tls.VersionName(v))
			}
			c.expect(c.cmd("EHLO mfp-3f.contoso.local"), 421,
				`^4\.7\.66 TLS 1\.0 and 1\.1 are not supported\. Please upgrade/update your client to support TLS 1\.2\. Visit https://aka\.ms/smtp_auth_tls\. \[`+subErrHost+`\]$`)
			c.expectClosed()
		})
	}
}

// Outside the legacy scenario the floor is TLS 1.2: the handshake fails.
func TestTLSFloor(t *testing.T) {
	for _, name := range []string{"submission-ok", "directsend-ok"} {
		t.Run(name, func(t *testing.T) {
			srv, addr := startScenario(t, name)
			c := startTLSConn(t, addr)
			err := tls.Client(c.raw, legacyClient(srv.CA(), tls.VersionTLS11)).Handshake()
			if err == nil || !strings.Contains(err.Error(), "protocol version") {
				t.Errorf("TLS 1.1 handshake: got %v, want a protocol version alert", err)
			}
		})
	}
}

// TLS 1.2 uses Microsoft's ECDHE_RSA suites.
func TestTLS12Suites(t *testing.T) {
	srv, addr := startScenario(t, "submission-ok")
	c := startTLSConn(t, addr)
	cfg := clientTLS(srv.CA(), "localhost")
	cfg.MaxVersion = tls.VersionTLS12
	st := c.handshake(cfg).ConnectionState()
	if name := tls.CipherSuiteName(st.CipherSuite); !strings.HasPrefix(name, "TLS_ECDHE_RSA_WITH_AES_") {
		t.Errorf("negotiated %s", name)
	}
}
