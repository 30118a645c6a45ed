package specs

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// clientCert decodes client.certificate and client.key: the TLS client
// certificate a device presents to a connector that accepts it by
// certificate (FACTS.md 1.3). The certificate is public (file() of a PEM
// chain); the key is a secret, named with env(). Both are checked now,
// and that they belong together, so that a wrong pair fails validate
// rather than the handshake. No message quotes the key.
func (d *decoder) clientCert(c *Client, b *hcl.Block, attrs hcl.Attributes) {
	certAttr, keyAttr := attrs["certificate"], attrs["key"]
	switch {
	case certAttr == nil && keyAttr == nil:
		return
	case certAttr == nil:
		d.secretRef(keyAttr)
		d.errorAt(keyAttr.NameRange, "Key without certificate",
			"client.key is the private key of client.certificate; add certificate = file(\"mfp.pem\") (a PEM "+
				"certificate, relative to the spec file) or remove key.")
		return
	}
	certPEM, certOK := d.certificate(certAttr)
	if keyAttr == nil {
		d.errorAt(b.DefRange, "Missing key",
			"client.certificate needs its private key: key = env(\"NAME\"), naming the environment variable that "+
				"holds the PEM private key.")
		return
	}
	name, call, ok := d.secretRef(keyAttr)
	if !ok {
		return
	}
	key, ok := d.readSecret(keyAttr, name, call)
	if !ok || !certOK {
		return
	}
	if !key.IsSet() { // a reference (reads.go): the fit is checked when the site is required
		c.Certificate, c.Key = certPEM, key
		return
	}
	if _, err := tls.X509KeyPair(certPEM, []byte(key.Reveal())); err != nil {
		d.errorAt(call, "Key does not fit the certificate",
			"env(%q) must hold the PEM private key (-----BEGIN ... PRIVATE KEY-----) of client.certificate: %s.",
			name, keyPairProblem(err))
		return
	}
	c.Certificate, c.Key = certPEM, key
}

// certificate reads a PEM chain with at least one certificate and no
// private key.
func (d *decoder) certificate(attr *hcl.Attribute) ([]byte, bool) {
	s, ok := d.str(attr)
	if !ok {
		return nil, false
	}
	if strings.Contains(s, "PRIVATE KEY-----") {
		d.masks = append(d.masks, attr.Expr.Range())
		d.errorAt(attr.Expr.Range(), "Private key in certificate",
			"client.certificate holds a private key. Give only the certificate chain here, and the key by "+
				"reference: key = env(\"NAME\").")
		return nil, false
	}
	rest, n := []byte(s), 0
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			d.errorAt(attr.Expr.Range(), "Invalid certificate", "client.certificate: certificate %d does not parse: %v.", n+1, err)
			return nil, false
		}
		n++
	}
	if n == 0 {
		d.errorAt(attr.Expr.Range(), "No certificate",
			"client.certificate holds no PEM certificate (-----BEGIN CERTIFICATE-----). Write certificate = file(\"mfp.pem\").")
		return nil, false
	}
	return bytes.Clone([]byte(s)), true
}

// keyPairProblem words crypto/tls's key pair errors, which never quote
// the key, without its "tls: " prefix.
func keyPairProblem(err error) string {
	return strings.TrimPrefix(fmt.Sprint(err), "tls: ")
}

// TLSCertificate returns the client certificate for crypto/tls, or nil
// when the device presents none.
func (c *Client) TLSCertificate() (*tls.Certificate, error) {
	if len(c.Certificate) == 0 {
		return nil, nil
	}
	cert, err := tls.X509KeyPair(c.Certificate, []byte(c.Key.Reveal()))
	if err != nil {
		return nil, fmt.Errorf("client certificate: %s", keyPairProblem(err))
	}
	return &cert, nil
}
