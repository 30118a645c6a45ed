//go:build linux

package mta

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/smtpspec/smtpspec/internal/localca"
)

// Certs are the files of a throwaway CA and a server certificate it
// issued, for Postfix's STARTTLS and for the spec's ca_file.
type Certs struct {
	CAFile   string // the CA certificate (PEM): what a spec trusts
	CertFile string // the server certificate chain (PEM)
	KeyFile  string // its private key (PEM, readable by root only)

	ca    *x509.Certificate // for IssueClient (clientcert.go)
	caKey crypto.Signer
}

// NewCerts issues a certificate valid for names (DNS names or IP
// addresses) for a day, and writes the three files into dir.
func NewCerts(dir string, names ...string) (*Certs, error) {
	now := time.Now()
	root, err := localca.NewRoot(pkix.Name{CommonName: "smtpspec mta test CA"}, now.Add(-time.Hour), now.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	ca, caDER, caKey := root.Cert, root.DER, root.Key
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("server key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("server certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("server key: %w", err)
	}
	c := &Certs{
		CAFile:   filepath.Join(dir, "ca.pem"),
		CertFile: filepath.Join(dir, "server.pem"),
		KeyFile:  filepath.Join(dir, "server.key"),
		ca:       ca,
		caKey:    caKey,
	}
	pemOf := func(typ string, b ...[]byte) []byte {
		var out []byte
		for _, d := range b {
			out = append(out, localca.PEM(typ, d)...)
		}
		return out
	}
	for _, f := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{
		{c.CAFile, pemOf("CERTIFICATE", caDER), 0o644},
		{c.CertFile, pemOf("CERTIFICATE", der, caDER), 0o644},
		{c.KeyFile, pemOf("PRIVATE KEY", keyDER), 0o600},
	} {
		if err := writeFile(f.path, f.data, f.mode); err != nil {
			return nil, fmt.Errorf("writing %s: %w", f.path, err)
		}
	}
	return c, nil
}
