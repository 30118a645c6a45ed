package runner

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// legacyCipherSuites are the CBC-SHA suites a TLS 1.0/1.1 session needs.
// Go leaves the RSA key-exchange ones out of its defaults (Go 1.22); a
// device limited to TLS 1.1 may offer nothing else, so the probe offers
// them whenever the spec lets it go below TLS 1.2.
var legacyCipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
	tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	tls.TLS_RSA_WITH_AES_256_CBC_SHA,
}

// tlsCheck is one handshake's configuration and what it established. The
// chain is verified by verify, not by crypto/tls, so that the facts are
// recorded even when verification fails.
type tlsCheck struct {
	name  string // the name the certificate must carry
	roots *x509.CertPool
	skip  bool                // insecure_skip_verify: record a verification failure, do not abort
	info  *transcript.TLSInfo // nil until the server's certificate arrived
	// client is the certificate the device presents, nil for none, and
	// clientInfo its facts (client_cert.go).
	client     *tls.Certificate
	clientInfo *transcript.ClientCert
}

// config returns the client configuration for a device that speaks TLS
// versions min..max (0: Go's default).
func (tc *tlsCheck) config(minV, maxV uint16) *tls.Config {
	cfg := &tls.Config{
		ServerName: tc.name,
		MinVersion: minV,
		MaxVersion: maxV,
		// Verification happens in VerifyConnection, which records the facts first.
		InsecureSkipVerify: true, //nolint:gosec // verified in verify below
		VerifyConnection:   tc.verify,
	}
	if tc.client != nil {
		cfg.GetClientCertificate = tc.clientCertificate
	}
	if minV != 0 && minV < tls.VersionTLS12 {
		for _, s := range tls.CipherSuites() {
			cfg.CipherSuites = append(cfg.CipherSuites, s.ID)
		}
		cfg.CipherSuites = append(cfg.CipherSuites, legacyCipherSuites...)
	}
	return cfg
}

// verify records what the server presented, then verifies the chain and
// the name; an error aborts the handshake with a bad_certificate alert.
func (tc *tlsCheck) verify(cs tls.ConnectionState) error {
	tc.info = &transcript.TLSInfo{
		Version:     strings.ReplaceAll(tls.VersionName(cs.Version), " ", ""),
		CipherSuite: tls.CipherSuiteName(cs.CipherSuite),
		ServerName:  tc.name,
		Client:      tc.clientInfo,
	}
	if len(cs.PeerCertificates) == 0 {
		tc.info.VerifyError = "server sent no certificate"
		return errors.New(tc.info.VerifyError)
	}
	leaf := cs.PeerCertificates[0]
	tc.info.Subject = leaf.Subject.CommonName
	tc.info.Issuer = leaf.Issuer.CommonName
	tc.info.SANs = append(tc.info.SANs, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		tc.info.SANs = append(tc.info.SANs, ip.String())
	}
	tc.info.NotAfter = leaf.NotAfter
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		DNSName:       tc.name,
		Roots:         tc.roots,
		Intermediates: inter,
		// Real time, not ProbeOptions.Now: a clock fixed for goldens must
		// not make a valid certificate look expired.
	})
	if err != nil {
		tc.info.VerifyError = err.Error()
		if tc.skip {
			tc.info.VerifySkipped = true
			return nil
		}
		return err
	}
	tc.info.Verified = true
	return nil
}

// rootPool is the trust the probe verifies against: pool (nil: the
// system's roots) plus the PEM certificates of caFile, if named. The
// caller's pool is never modified.
func rootPool(pool *x509.CertPool, caFile string) (*x509.CertPool, error) {
	if caFile == "" && pool != nil {
		return pool, nil
	}
	if pool == nil {
		pool = systemRootPool() // roots.go: loaded while the probe waited for the network
	} else {
		pool = pool.Clone()
	}
	if caFile == "" {
		return pool, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("reading ca_file: %w", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s holds no PEM certificate", caFile)
	}
	return pool, nil
}
