package sim

import (
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"crypto/ecdsa"
	"crypto/elliptic"
)

// clientAuth makes a ClientCert scenario's handshake ask for a client
// certificate and verify any it gets against Options.ClientCAs (default:
// the simulator's CA). A missing certificate does not fail the handshake:
// like Exchange Online's MX, the session goes on, unattributed, and the
// connector's refusal shows at RCPT (550 5.7.64). A certificate that does
// not verify fails the handshake with a bad_certificate alert.
func (s *Server) clientAuth(cfg *tls.Config) {
	if !s.sc.ClientCert {
		return
	}
	cfg.ClientAuth = tls.VerifyClientCertIfGiven
	cfg.ClientCAs = s.opts.ClientCAs
	if cfg.ClientCAs == nil {
		cfg.ClientCAs = s.opts.CA.Pool()
	}
}

// connectorMatches reports whether the verified client certificate of st
// names an accepted domain: the connector's TlsSenderCertificateName
// matches the certificate's subject or SAN (FACTS.md 1.3: "certificate
// whose CN/SAN is an accepted domain").
func (ss *session) connectorMatches(st tls.ConnectionState) bool {
	if !ss.sc.ClientCert || len(st.VerifiedChains) == 0 {
		return false
	}
	leaf := st.VerifiedChains[0][0]
	names := append([]string{leaf.Subject.CommonName}, leaf.DNSNames...)
	for _, n := range names {
		if ss.srv.accepts("x@" + strings.TrimPrefix(n, "*.")) {
			ss.logf("client certificate CN=%s matches the connector", leaf.Subject.CommonName)
			return true
		}
	}
	ss.logf("client certificate CN=%s names no accepted domain", leaf.Subject.CommonName)
	return false
}

// IssueClient signs a client certificate (ECDSA P-256, extended key usage
// client auth) for cn, with cn as its DNS SAN, valid until notAfter, and
// returns the certificate and its private key as PEM, for tests and for
// `smtpspec sim --client-cert-out`.
func (ca *CA) IssueClient(cn string, notAfter time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("sim: client key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"smtpspec (test only)"}},
		DNSNames:     []string{cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return nil, nil, fmt.Errorf("sim: client certificate: %w", err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("sim: client key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), nil
}

// IssueLike signs, for key, a client certificate with like's subject, DNS
// SANs and validity period, and returns it as PEM: a stand-in for a
// device's own certificate, whose private key the caller does not have
// (the forecast reads specs without their secrets). A connector that
// matches by name treats the stand-in as it would the original; only
// clients of this CA trust it.
func (ca *CA) IssueLike(like *x509.Certificate, key crypto.Signer) ([]byte, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      like.Subject,
		DNSNames:     like.DNSNames,
		NotBefore:    like.NotBefore,
		NotAfter:     like.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return nil, fmt.Errorf("sim: stand-in client certificate: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
