package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"time"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
	"github.com/smtpspec/smtpspec/sim"
)

// simClientHost is the client certificate's subject and DNS SAN by
// default, under the simulator's accepted domain (relay.contoso.com, or
// relay.<--domain>): a name the relay-certificate scenario's connector
// matches.
const simClientHost = "relay"

// simClientValidity is how long an issued client certificate is valid:
// well past the examples' cert_days_min (30), so it draws no warning.
const simClientValidity = 90 * 24 * time.Hour

// simClientCert holds `smtpspec sim --client-cert-out FILE --client-key-out
// FILE [--client-cert-name NAME]`: a client certificate signed by the
// simulator's CA, so a CLI user can test the relay-certificate scenario's
// certificate connector from a spec.
type simClientCert struct {
	certOut, keyOut, name *string
}

func addSimClientCertFlags(fs *flag.FlagSet) simClientCert {
	return simClientCert{
		certOut: fs.String("client-cert-out", "", "issue a client certificate from the simulator's CA and write it (PEM) to `FILE`"),
		keyOut:  fs.String("client-key-out", "", "write the client certificate's private key (PEM, mode 0600) to `FILE`"),
		name:    fs.String("client-cert-name", "", "the client certificate's subject and DNS `NAME` (default relay.<the tenant domain>, relay.contoso.com)"),
	}
}

// wanted reports whether the user asked for a client certificate.
func (f simClientCert) wanted() bool { return *f.certOut != "" || *f.keyOut != "" }

// check refuses half a pair: a certificate without its key is useless, and
// a key without its certificate cannot be matched to anything.
func (f simClientCert) check() error {
	switch {
	case !f.wanted():
		return nil
	case *f.certOut == "" || *f.keyOut == "":
		return errors.New("--client-cert-out and --client-key-out go together: the certificate and its private key")
	case filepath.Clean(*f.certOut) == filepath.Clean(*f.keyOut):
		return errors.New("--client-cert-out and --client-key-out name the same file")
	}
	return nil
}

// certName is the name the certificate is issued for: --client-cert-name,
// or relay.<domain>.
func (f simClientCert) certName(domain string) string {
	if *f.name != "" {
		return *f.name
	}
	return simClientHost + "." + domain
}

// write issues the certificate from ca and writes the key, then the
// certificate, each atomically with mode 0600. A certificate is public,
// but a user's folder may be shared, and the pair belongs together.
func (f simClientCert) write(ca *sim.CA, name string, now time.Time) (notAfter time.Time, err error) {
	notAfter = now.Add(simClientValidity)
	certPEM, keyPEM, err := ca.IssueClient(name, notAfter)
	if err != nil {
		return time.Time{}, err
	}
	if err := atomicfile.WriteMode(*f.keyOut, keyPEM, 0o600); err != nil {
		return time.Time{}, err
	}
	if err := atomicfile.WriteMode(*f.certOut, certPEM, 0o600); err != nil {
		os.Remove(*f.keyOut) // no key without its certificate
		return time.Time{}, err
	}
	return leafNotAfter(certPEM, notAfter), nil
}

// leafNotAfter is the certificate's own expiry (x509 rounds to seconds).
func leafNotAfter(certPEM []byte, fallback time.Time) time.Time {
	if b, _ := pem.Decode(certPEM); b != nil {
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			return c.NotAfter
		}
	}
	return fallback
}
