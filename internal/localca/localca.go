// Package localca makes the self-signed certificate authorities smtpspec
// plays servers with (the simulator's, the capture's) and signs their
// leaves: the x509 plumbing both share. What a CA is valid for, the names
// its leaves carry and how they are kept stay with each server. It never
// makes a certificate anything but the caller's own trust store trusts.
package localca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Root is a new CA: its certificate (parsed and as DER) and its key.
type Root struct {
	Cert *x509.Certificate
	DER  []byte
	Key  crypto.Signer
}

// NewRoot makes a CA with an ECDSA P-256 key for subject, valid from
// notBefore to notAfter, that signs leaves only (no intermediate). Its
// errors read "CA key: …" or "CA certificate: …" for the caller to prefix.
func NewRoot(subject pkix.Name, notBefore, notAfter time.Time) (*Root, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("CA key: %w", err)
	}
	serial, err := Serial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	return &Root{Cert: cert, DER: der, Key: key}, nil
}

// Serial is a random 127-bit certificate serial number.
func Serial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("certificate serial: %w", err)
	}
	return n, nil
}

// PEM encodes der as one PEM block of type typ ("CERTIFICATE", …).
func PEM(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
