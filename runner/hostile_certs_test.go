package runner

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"
)

// badCert is a server certificate that must not verify for "localhost"
// under the test CA, for one reason.
type badCert int

const (
	certExpired    badCert = iota // issued by the trusted CA, expired yesterday
	certSelfSigned                // names localhost, signed by itself
	certWrongName                 // issued by the trusted CA for another name
)

// badServer returns a TLS configuration presenting a certificate of kind
// k; pki is the CA the client trusts.
func badServer(t *testing.T, pki *testPKI, k badCert) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(int64(100 + k)),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	var parent *x509.Certificate
	var signer any
	switch k {
	case certExpired:
		tmpl.NotBefore, tmpl.NotAfter = now.Add(-72*time.Hour), now.Add(-24*time.Hour)
	case certWrongName:
		tmpl.Subject.CommonName, tmpl.DNSNames = "mail.elsewhere.test", []string{"mail.elsewhere.test"}
	}
	if k == certSelfSigned {
		parent, signer = tmpl, key
	} else {
		parent, signer = newTrustedCA(t, pki)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// newTrustedCA makes a CA and adds it to pki's trusted pool.
func newTrustedCA(t *testing.T, pki *testPKI) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	// Valid from four days back, so expired leaves can still chain to it.
	ca, key := newCA(t, "smtpspec hostile test CA", time.Now().Add(-96*time.Hour))
	pki.pool.AddCert(ca)
	return ca, key
}
