package localca

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"testing"
	"time"
)

// TestNewRoot: a CA that signs leaves only, valid as asked, whose PEM
// parses back to the same certificate.
func TestNewRoot(t *testing.T) {
	from := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	root, err := NewRoot(pkix.Name{CommonName: "test CA"}, from, from.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	c := root.Cert
	if !c.IsCA || !c.MaxPathLenZero || c.KeyUsage&x509.KeyUsageCertSign == 0 || !c.NotBefore.Equal(from) || c.Subject.CommonName != "test CA" {
		t.Errorf("CA certificate: %+v", c)
	}
	if err := c.CheckSignatureFrom(c); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	blk, _ := pem.Decode(PEM("CERTIFICATE", root.DER))
	if blk == nil || blk.Type != "CERTIFICATE" || string(blk.Bytes) != string(c.Raw) {
		t.Error("PEM does not round-trip")
	}
	a, _ := Serial()
	b, _ := Serial()
	if a.Cmp(b) == 0 || a.BitLen() > 127 {
		t.Errorf("serials %v %v", a, b)
	}
}
