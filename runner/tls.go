package runner

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

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

// rsaKeyExchangeSuites are what a device without elliptic-curve support
// can offer: RSA key exchange, GCM (Microsoft's published list, FACTS.md
// 1.1) and CBC.
var rsaKeyExchangeSuites = []uint16{
	tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_RSA_WITH_AES_256_CBC_SHA,
	tls.TLS_RSA_WITH_AES_128_CBC_SHA,
}

// rsaKeyExchangeOnly limits cfg to RSA key exchange. TLS 1.3 has none
// (its key exchange is always ephemeral), so it is not offered.
func rsaKeyExchangeOnly(cfg *tls.Config) {
	cfg.CipherSuites = rsaKeyExchangeSuites
	if cfg.MaxVersion == 0 || cfg.MaxVersion > tls.VersionTLS12 {
		cfg.MaxVersion = tls.VersionTLS12
	}
	if cfg.MinVersion > cfg.MaxVersion {
		cfg.MinVersion = cfg.MaxVersion
	}
}

// tlsCheck is one handshake's configuration and what it established. The
// chain is verified by verify, not by crypto/tls, so that the facts are
// recorded even when verification fails.
type tlsCheck struct {
	name  string // the name the certificate must carry
	trust *trust
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
		tc.info.VerifyError, tc.info.VerifyReason = "server sent no certificate", transcript.Certificate
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
	tc.info.EarliestNotAfter = leaf.NotAfter
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
		if c.NotAfter.Before(tc.info.EarliestNotAfter) {
			tc.info.EarliestNotAfter = c.NotAfter
		}
	}
	if err := tc.trust.verify(leaf, inter, tc.name); err != nil {
		tc.info.VerifyError, tc.info.VerifyReason = err.Error(), certReason(err)
		if tc.skip {
			tc.info.VerifySkipped = true
			return nil
		}
		return err
	}
	tc.info.Verified = true
	return nil
}

// trust is what a handshake verifies the server's chain against.
//
// A site that names a ca_file (a private relay, a simulator) is first
// verified against those certificates alone: when the chain ends at one
// of them, the system's ~300 roots are never read, which spares every
// such probe 12-18 ms of CPU and its process the memory. Only when that
// fails is the chain verified against the full trust (the system's roots,
// or ProbeOptions.RootCAs, plus ca_file), whose result, error text
// included, is then the one recorded: the verdict is the same as
// verifying against the full trust at once.
type trust struct {
	anchors *x509.CertPool        // ca_file's certificates alone; nil without ca_file
	full    func() *x509.CertPool // built on first use; never modifies the caller's or the system's pool
}

// newTrust reads caFile (if named) at once, so a missing or empty file is
// reported before the handshake; pool nil means the system's roots.
func newTrust(pool *x509.CertPool, caFile string) (*trust, error) {
	t := &trust{}
	var pem []byte
	if caFile != "" {
		var err error
		if pem, err = os.ReadFile(caFile); err != nil {
			return nil, fmt.Errorf("reading ca_file: %w", err)
		}
		t.anchors = x509.NewCertPool()
		if !t.anchors.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s holds no PEM certificate", caFile)
		}
	}
	t.full = sync.OnceValue(func() *x509.CertPool {
		full := pool
		if full == nil {
			full = systemRootPool() // roots.go: shared, loaded while the probe waited for the network
		}
		if pem == nil {
			return full
		}
		full = full.Clone() // this site's ca_file is trusted by this site only
		full.AppendCertsFromPEM(pem)
		return full
	})
	return t, nil
}

// verify checks leaf (with the intermediates the server sent) for name:
// against the ca_file anchors first, then against the full trust.
func (t *trust) verify(leaf *x509.Certificate, inter *x509.CertPool, name string) error {
	opts := x509.VerifyOptions{
		DNSName:       name,
		Intermediates: inter,
		// Real time, not ProbeOptions.Now: a clock fixed for goldens must
		// not make a valid certificate look expired.
	}
	if t.anchors != nil {
		opts.Roots = t.anchors
		if _, err := leaf.Verify(opts); err == nil {
			return nil
		}
	}
	opts.Roots = t.full()
	_, err := leaf.Verify(opts)
	return err
}
