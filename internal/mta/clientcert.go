//go:build linux

package mta

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// IssueClient signs a TLS client certificate for cn (subject and DNS SAN,
// extended key usage client auth, valid for a day) with the CA of c and
// returns it and its private key as PEM: the device's certificate for a
// Postfix that checks client certificates (PostfixConfig.ClientCAFile).
func (c *Certs) IssueClient(cn string) (certPEM, keyPEM []byte, err error) {
	if c.ca == nil || c.caKey == nil {
		return nil, nil, errors.New("client certificate: these Certs were not made by NewCerts")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("client key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, fmt.Errorf("client serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.ca, &key.PublicKey, c.caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("client certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("client key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// Fingerprint is the SHA-256 fingerprint of the first certificate in
// certPEM as Postfix writes it (upper-case hex pairs joined by colons,
// smtpd_tls_fingerprint_digest = sha256): the key of RelayCerts.
func Fingerprint(certPEM []byte) (string, error) {
	b, _ := pem.Decode(certPEM)
	if b == nil || b.Type != "CERTIFICATE" {
		return "", errors.New("fingerprint: no PEM certificate")
	}
	sum := sha256.Sum256(b.Bytes)
	pairs := make([]string, len(sum))
	for i, x := range sum {
		pairs[i] = fmt.Sprintf("%02X", x)
	}
	return strings.Join(pairs, ":"), nil
}
