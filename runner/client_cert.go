package runner

import (
	"crypto/tls"
	"crypto/x509"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// presentClientCert loads the device's client certificate, if the spec
// gives one, for the handshake to present when the server asks for it (a
// connector that accepts by certificate, FACTS.md 1.3). The error, if
// any, never quotes the key.
func (tc *tlsCheck) presentClientCert(c *specs.Client) *transcript.Error {
	cert, err := c.TLSCertificate()
	if err != nil {
		return &transcript.Error{Kind: transcript.KindTLS, Text: err.Error(), Err: errLocal}
	}
	if cert == nil {
		return nil
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return &transcript.Error{Kind: transcript.KindTLS, Text: "client certificate: " + err.Error(), Err: errLocal}
	}
	tc.client = cert
	tc.clientInfo = &transcript.ClientCert{
		Subject:  leaf.Subject.CommonName,
		Issuer:   leaf.Issuer.CommonName,
		SANs:     certSANs(leaf),
		NotAfter: leaf.NotAfter,
	}
	return nil
}

// clientCertificate answers the server's CertificateRequest with the
// device's certificate and notes that it was asked for.
func (tc *tlsCheck) clientCertificate(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	tc.clientInfo.Requested = true
	return tc.client, nil
}

// certSANs lists a certificate's DNS names, then its addresses.
func certSANs(c *x509.Certificate) []string {
	out := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	return out
}
