package sim

import (
	"crypto/tls"
	"slices"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// todayEndpoints are the endpoints Today distinguishes.
var todayEndpoints = map[string]Endpoint{
	"submission": {Method: transcript.Submission, Host: "smtp.office365.com"},
	"legacy":     {Method: transcript.Submission, Host: "smtp-legacy.office365.com"},
	"hve":        {Method: transcript.Submission, Host: catalog.HVEHost},
	"hve-old":    {Method: transcript.Submission, Host: catalog.HVEHostOld},
	"directsend": {Method: transcript.DirectSend, Host: "contoso-com.mail.protection.outlook.com"},
	"ds-mx":      {Method: transcript.DirectSend},
	"ds-new":     {Method: transcript.DirectSend, Host: "contoso-com.o-v1.mx.microsoft"},
	"relay-ip":   {Method: transcript.Relay, Host: "contoso-com.mail.protection.outlook.com"},
	"relay-cert": {Method: transcript.Relay, Host: "contoso-com.mail.protection.outlook.com", CertConnector: true},
}

// TestFutureReach: each future changes exactly the endpoints FACTS.md
// says the change reaches, and leaves the others as today.
func TestFutureReach(t *testing.T) {
	reaches := map[string][]string{
		"basic-auth-default-off": {"submission", "legacy"},
		"basic-auth-removed":     {"submission", "legacy"},
		"hve-basic-auth-removed": {"hve", "hve-old"},
		"reject-direct-send":     {"directsend", "ds-mx", "ds-new"},
		"mx-microsoft-host":      {"directsend", "ds-mx", "relay-ip", "relay-cert"}, // ds-new is under mx.microsoft already
		"legacy-tls-removed":     {"legacy"},
		"tls-rsa-suites-removed": {"submission", "legacy", "hve", "hve-old", "directsend", "ds-mx", "ds-new", "relay-ip", "relay-cert"},
	}
	var ids []string
	for _, f := range Futures() {
		ids = append(ids, f.ID)
		want, ok := reaches[f.ID]
		if !ok {
			t.Errorf("future %s has no row here", f.ID)
			continue
		}
		if f.Summary == "" || strings.Contains(f.Summary, "\n") {
			t.Errorf("%s: summary must be one line", f.ID)
		}
		for name, ep := range todayEndpoints {
			before := Today(ep)
			after := *before
			f.Apply(&after)
			if err := after.Validate(); err != nil {
				t.Errorf("%s on %s: %v", f.ID, name, err)
			}
			if changed := after != *before; changed != slices.Contains(want, name) {
				t.Errorf("%s on %s: changed %v, want %v (%+v)", f.ID, name, changed, !changed, after)
			}
		}
	}
	if len(ids) != len(reaches) {
		t.Errorf("futures %v, table %d rows", ids, len(reaches))
	}
	if _, err := FindFuture("no-such-change"); err == nil || !strings.Contains(err.Error(), "basic-auth-default-off") {
		t.Errorf("FindFuture(unknown) should list the futures: %v", err)
	}
}

// TestTodayIsDefault: today's submission endpoint is the legacy-tls-refused
// scenario (TLS 1.0/1.1 answered with 421 4.7.66), the MX Direct Send's
// directsend-ok, a certificate connector relay-certificate's, plus the
// TLS_RSA suites whose fate is UNCONFIRMED.
func TestTodayIsDefault(t *testing.T) {
	for name, scenario := range map[string]string{"submission": "legacy-tls-refused", "directsend": "directsend-ok",
		"relay-ip": "relay-ok", "relay-cert": "relay-certificate", "ds-new": "directsend-mx-microsoft"} {
		want, err := Find(scenario)
		if err != nil {
			t.Fatal(err)
		}
		got := *Today(todayEndpoints[name])
		got.Name, got.Summary, want.Summary = want.Name, "", ""
		want.TLSRSA = true
		if got != *want {
			t.Errorf("Today(%s) = %+v, want %s: %+v", name, got, scenario, *want)
		}
	}
	if sc := Today(todayEndpoints["legacy"]); sc.RefuseLegacyTLS || sc.tlsMin() != tls.VersionTLS10 {
		t.Errorf("smtp-legacy.office365.com today must take TLS 1.0: %+v", sc)
	}
}

// TestBasicAuthFutureOnTheWire: after default-off AUTH LOGIN gets the
// policy refusal and XOAUTH2 still works; after the removal the announced
// 550 5.7.30.
func TestBasicAuthFutureOnTheWire(t *testing.T) {
	for _, tc := range []struct {
		future, reply string
		code          int
	}{
		{"basic-auth-default-off", `^5\.7\.139 Authentication unsuccessful, basic authentication is disabled\.`, 535},
		{"basic-auth-removed", `^5\.7\.30 Basic authentication is not supported for Client Submission\.$`, 550},
	} {
		t.Run(tc.future, func(t *testing.T) {
			sc := Today(todayEndpoints["submission"])
			f, err := FindFuture(tc.future)
			if err != nil {
				t.Fatal(err)
			}
			f.Apply(sc)
			ca := testCA(t)
			_, addr := startServer(t, sc, Options{CA: ca, IdleTimeout: clientTimeout})
			c := dial(t, addr)
			c.read()
			c.cmd("EHLO mfp.contoso.local")
			c.expect(c.cmd("STARTTLS"), 220, `^2\.0\.0`)
			c.handshake(clientTLS(ca, "smtp.office365.com"))
			c.cmd("EHLO mfp.contoso.local")
			c.expect(c.cmd("AUTH LOGIN"), 334, "VXNlcm5hbWU6")
			c.cmd(b64("scanner@contoso.com"))
			c.expect(c.cmd(b64("not-a-real-password")), tc.code, tc.reply)
		})
	}
}

// TestRejectDirectSendOtherDomain: with the sender's domain among the
// tenant's domains (MoreDomains), RejectDirectSend refuses it too; a
// sender outside them passes.
func TestRejectDirectSendOtherDomain(t *testing.T) {
	sc := Today(todayEndpoints["directsend"])
	f, _ := FindFuture("reject-direct-send")
	f.Apply(sc)
	_, addr := startServer(t, sc, Options{CA: testCA(t), IdleTimeout: clientTimeout, MoreDomains: []string{"Contoso-Print.example"}})
	for from, code := range map[string]int{"printer@contoso-print.example": 550, "alerts@vendor.example": 250} {
		c := dial(t, addr)
		c.read()
		c.cmd("EHLO printer.contoso.local")
		c.expect(c.cmd("MAIL FROM:<"+from+">"), 250, `^2\.1\.0`)
		r := c.cmd("RCPT TO:<office@contoso.com>")
		if r.code != code {
			t.Errorf("from %s: RCPT %d %q, want %d", from, r.code, r.text(), code)
		}
		c.cmd("QUIT")
	}
	if _, err := NewServer(sc, Options{CA: testCA(t), MoreDomains: []string{"not a domain"}}); err == nil {
		t.Error("MoreDomains must be checked like Domain")
	}
}

// TestTLSRSA: a client with RSA key exchange only completes the handshake
// when the scenario offers the TLS_RSA suites, and not after the future
// takes them away; ServerNames are in the leaf.
func TestTLSRSA(t *testing.T) {
	rsaOnly := []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384}
	for _, offered := range []bool{true, false} {
		sc := Today(todayEndpoints["submission"])
		sc.TLSRSA = offered
		ca := testCA(t)
		_, addr := startServer(t, sc, Options{CA: ca, IdleTimeout: clientTimeout, ServerNames: []string{catalog.HVEHost}})
		c := dial(t, addr)
		c.read()
		c.cmd("EHLO mfp.contoso.local")
		c.expect(c.cmd("STARTTLS"), 220, `^2\.0\.0`)
		cfg := clientTLS(ca, catalog.HVEHost)
		cfg.CipherSuites, cfg.MaxVersion = rsaOnly, tls.VersionTLS12
		tc := tls.Client(c.raw, cfg)
		err := tc.Handshake()
		if (err == nil) != offered {
			t.Errorf("TLSRSA %v: handshake error %v", offered, err)
		}
	}
}
