package diagnosis

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// clientCertFindings records the certificate the device presented (the
// facts a certificate-based connector matches: subject and SANs, FACTS.md
// 1.3) and warns when it expires within cert_days_min, or has expired.
func clientCertFindings(t *transcript.Transcript, c Credentials) []Finding {
	if t.TLS == nil || t.TLS.Client == nil {
		return nil
	}
	cc := t.TLS.Client
	sans := "none"
	if len(cc.SANs) > 0 {
		sans = strings.Join(cc.SANs, ", ")
	}
	out := []Finding{{ID: "client-cert", Severity: SevInfo,
		Text: fmt.Sprintf("client certificate: subject CN=%s, SANs %s, issuer %s, valid until %s",
			cc.Subject, sans, cc.Issuer, cc.NotAfter.UTC().Format("2006-01-02"))}}
	if !cc.Requested {
		out = append(out, Finding{"client-cert-not-requested", SevWarning,
			"the server did not ask for a client certificate, so it was not presented",
			"check the endpoint: a connector that accepts by certificate is reached on the tenant MX (port 25) with STARTTLS"})
	}
	days := int(cc.NotAfter.Sub(t.Started).Hours() / 24)
	switch {
	case !cc.NotAfter.After(t.Started):
		out = append(out, Finding{"client-cert-expired", SevError,
			fmt.Sprintf("the client certificate expired on %s", cc.NotAfter.UTC().Format("2006-01-02")), certRenew})
	case c.CertDaysMin > 0 && days < c.CertDaysMin:
		out = append(out, Finding{"client-cert-expiry", SevWarning,
			fmt.Sprintf("the client certificate expires in %d days (%s), within cert_days_min = %d", days, cc.NotAfter.UTC().Format("2006-01-02"), c.CertDaysMin), certRenew})
	}
	return out
}

const certRenew = "renew the certificate with the same subject or SAN (the connector's TlsSenderCertificateName, an accepted domain of the tenant), install it on the device, and update client.certificate"
