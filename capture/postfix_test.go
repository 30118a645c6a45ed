//go:build linux

package capture

import (
	"net/smtp"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/mta"
)

// TestPostfixClientPlaysTheDevice has Postfix's own SMTP client relay a
// message to the capture, configured as an old MFP without elliptic-curve
// TLS: TLS 1.2 only, RSA key exchange only (smtp_tls_protocols,
// smtp_tls_exclude_ciphers), AUTH LOGIN only (smtp_sasl_mechanism_filter).
// The capture must see exactly that, and predict the "likely" TLS_RSA
// trouble of the February 2025 MFP reports.
func TestPostfixClientPlaysTheDevice(t *testing.T) {
	mta.Need(t)
	opts := Options{Grace: 2 * time.Second}
	log := logs(&opts)
	s := start(t, opts)
	next := "[127.0.0.1]:" + s.Port
	p := mta.StartPostfix(t, filepath.Join(mta.TempDir(t, "smtpspec-capture-"), "postfix"), mta.PostfixConfig{
		Hostname:  "postfix-mfp.contoso.test",
		Banner:    "ESMTP",
		Domains:   []string{"contoso.com"},
		RelayHost: s.Addr,
		ClientSettings: map[string]string{
			"smtp_tls_security_level":            "encrypt",
			"smtp_tls_mandatory_protocols":       "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.3",
			"smtp_tls_protocols":                 "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.3",
			"smtp_tls_mandatory_ciphers":         "high",
			"smtp_tls_ciphers":                   "high",
			"smtp_tls_exclude_ciphers":           "kECDHE, kDHE, aECDSA",
			"smtp_tls_mandatory_exclude_ciphers": "kECDHE, kDHE, aECDSA",
			"smtp_sasl_auth_enable":              "yes",
			"smtp_sasl_security_options":         "noanonymous",
			"smtp_sasl_tls_security_options":     "noanonymous",
			"smtp_sasl_mechanism_filter":         "login",
		},
		ClientPasswords: map[string]string{next: tUser + ":" + tSecret},
	})
	msg := "From: Scanner <" + tUser + ">\r\nTo: frontdesk@contoso.com\r\nSubject: Postfix relay\r\n\r\nscan\r\n"
	if err := smtp.SendMail(p.Addr, nil, tUser, []string{"frontdesk@contoso.com"}, []byte(msg)); err != nil {
		t.Fatalf("submitting to Postfix: %v", err)
	}
	rep := s.report(t)
	defer func() {
		if t.Failed() {
			t.Logf("postfix log:\n%s\ncapture:\n%s", p.Log(), dump(t, rep))
		}
	}()
	c := mainConn(t, rep)
	want(t, c.HeloName == "postfix-mfp.contoso.test" && c.Greeting == "EHLO", "EHLO postfix-mfp.contoso.test, got %s %s", c.Greeting, c.HeloName)
	want(t, c.TLS != nil && c.TLS.Completed && c.TLS.Version == "TLS 1.2", "TLS 1.2, got %+v", c.TLS)
	if c.TLS != nil && c.TLS.Hello != nil {
		for _, suite := range c.TLS.Hello.CipherSuites {
			want(t, !strings.Contains(suite, "ECDHE") && !strings.Contains(suite, "DHE_"), "no (EC)DHE suite offered, got %s", suite)
		}
		want(t, c.TLS.Microsoft365.Likely && strings.HasPrefix(c.TLS.Microsoft365.CipherSuite, "TLS_RSA_WITH_AES_"), "a likely TLS_RSA session with Microsoft 365, got %+v", c.TLS.Microsoft365)
	}
	want(t, len(c.Auth) == 1 && c.Auth[0].Mechanism == "LOGIN" && c.Auth[0].Username == tUser, "AUTH LOGIN as the UPN, got %+v", c.Auth)
	want(t, len(c.Pipelined) > 0, "Postfix pipelines, got commands %v", c.Commands)
	want(t, len(c.Transactions) == 1 && slices.Equal(c.Transactions[0].RcptTo, []string{"frontdesk@contoso.com"}) && c.Transactions[0].Message != nil,
		"the relayed message, got %+v", c.Transactions)
	hasFinding(t, rep, "tls-rsa-suites-only", "basic-auth-retirement")
	noSecret(t, everyOutput(t, rep, log.String()), tUser, tSecret)
}
