package capture

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/internal/localca"
)

// CA is the capture's own certificate authority. A device that verifies
// certificates aborts on the capture's certificate unless it trusts this
// CA (its certificate, CertPEM, is installed on the device), so a CA can
// be kept in a file and used again (LoadCA, PEM).
type CA struct {
	Cert    *x509.Certificate
	CertPEM []byte
	key     crypto.Signer

	// One RSA and one ECDSA leaf key per CA (RSA key generation takes
	// tens of milliseconds); leaves are signed per name and kept.
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	keysErr  error
	mu       sync.Mutex
	leaves   map[string][]tls.Certificate
}

// maxLeaves bounds the names leaves are signed for: a hostile device
// sending a new SNI on every connection gets the first one again.
const maxLeaves = 16

// NewCA makes a fresh CA (ECDSA P-256), valid from yesterday for ten years.
func NewCA(now time.Time) (*CA, error) {
	root, err := localca.NewRoot(pkix.Name{CommonName: "smtpspec capture CA", Organization: []string{"smtpspec capture (install only to test a device)"}},
		now.AddDate(0, 0, -1), now.AddDate(10, 0, 0))
	if err != nil {
		return nil, fmt.Errorf("capture %w", err)
	}
	return &CA{Cert: root.Cert, CertPEM: localca.PEM("CERTIFICATE", root.DER), key: root.Key}, nil
}

// PEM is the CA's certificate and private key, for LoadCA next time.
func (ca *CA) PEM() ([]byte, error) {
	k, err := x509.MarshalPKCS8PrivateKey(ca.key)
	if err != nil {
		return nil, fmt.Errorf("capture CA key: %w", err)
	}
	return append(append([]byte{}, ca.CertPEM...), pemBlock("PRIVATE KEY", k)...), nil
}

// LoadCA reads a CA written by PEM. The error never quotes the key.
func LoadCA(data []byte) (*CA, error) {
	var ca CA
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		switch block.Type {
		case "CERTIFICATE":
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("CA certificate: %w", err)
			}
			ca.Cert, ca.CertPEM = cert, pemBlock("CERTIFICATE", block.Bytes)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			signer, ok := k.(crypto.Signer)
			if err != nil || !ok {
				return nil, errors.New("the CA's private key is not a PKCS#8 key")
			}
			ca.key = signer
		}
	}
	switch {
	case ca.Cert == nil || ca.key == nil:
		return nil, errors.New("want a CA certificate and its PKCS#8 private key (PEM), as smtpspec capture --ca writes")
	case !ca.Cert.IsCA:
		return nil, errors.New("the certificate is not a CA certificate")
	}
	return &ca, nil
}

// leaf returns the certificates for name (a DNS name or an IP address):
// RSA first, as Microsoft's ECDHE_RSA suites need (FACTS.md 1.1), then
// ECDSA for a device that offers only ECDSA suites. Go picks the first
// one the ClientHello supports.
func (ca *CA) leaf(name string, now time.Time) ([]tls.Certificate, error) {
	ca.keysOnce.Do(ca.makeKeys)
	if ca.keysErr != nil {
		return nil, ca.keysErr
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if got, ok := ca.leaves[name]; ok {
		return got, nil
	}
	if len(ca.leaves) >= maxLeaves {
		for _, got := range ca.leaves {
			return got, nil
		}
	}
	var out []tls.Certificate
	for _, k := range []crypto.Signer{ca.rsaKey, ca.ecKey} {
		c, err := ca.sign(name, k, now)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if ca.leaves == nil {
		ca.leaves = map[string][]tls.Certificate{}
	}
	ca.leaves[name] = out
	return out, nil
}

func (ca *CA) makeKeys() {
	if ca.rsaKey, ca.keysErr = rsa.GenerateKey(rand.Reader, 2048); ca.keysErr != nil {
		return
	}
	ca.ecKey, ca.keysErr = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// sign issues a server certificate for name, valid from a month ago for
// 397 days: devices with a wrong clock are common, and 397 days is the
// longest validity strict clients accept.
func (ca *CA) sign(name string, key crypto.Signer, now time.Time) (tls.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"smtpspec capture"}},
		NotBefore:    now.AddDate(0, -1, 0),
		NotAfter:     now.AddDate(0, 0, 397),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if _, isRSA := key.(*rsa.PrivateKey); isRSA {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment // TLS_RSA_* key exchange
	}
	if ip := net.ParseIP(name); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("capture certificate for %s: %w", name, err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der, ca.Cert.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

func serial() *big.Int {
	n, _ := localca.Serial() // crypto/rand does not fail (Go 1.24)
	return n
}

func pemBlock(typ string, der []byte) []byte { return localca.PEM(typ, der) }
