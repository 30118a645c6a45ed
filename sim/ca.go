package sim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/internal/localca"
	"github.com/smtpspec/smtpspec/transcript"
)

// CA is the simulator's own certificate authority. Clients that should
// trust the simulator add Pool() (or CertPEM) to their roots; nothing
// else trusts it.
type CA struct {
	Cert    *x509.Certificate
	CertPEM []byte
	key     crypto.Signer

	// The leaf key is made once per CA: RSA key generation is slow and
	// every Serve call signs a new leaf for its listener.
	leafOnce sync.Once
	leafKey  *rsa.PrivateKey
	leafErr  error
}

// NewCA makes a fresh CA with an ECDSA P-256 key, valid from ten years ago
// to ten years ahead, so tests with a fixed clock still verify.
func NewCA() (*CA, error) {
	now := time.Now()
	root, err := localca.NewRoot(pkix.Name{CommonName: "smtpspec simulator CA", Organization: []string{"smtpspec (test only)"}},
		now.AddDate(-10, 0, 0), now.AddDate(10, 0, 0))
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	return &CA{Cert: root.Cert, CertPEM: localca.PEM("CERTIFICATE", root.DER), key: root.Key}, nil
}

// Pool returns a certificate pool holding only the CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// leafNames are the DNS names in every leaf: loopback, and the Microsoft
// endpoint names the example specs use, so that a demo that redirects
// smtp.office365.com or <tenant>.mail.protection.outlook.com to the
// simulator still verifies the name (only against this CA).
var leafNames = []string{
	"localhost",
	"smtp.office365.com", "smtp-legacy.office365.com", "outlook.office365.com", "*.outlook.office365.com",
	"mail.protection.outlook.com", "*.mail.protection.outlook.com",
}

// issueLeaf signs a server certificate for addr's IP (when it is a
// specific address), 127.0.0.1, ::1, leafNames and extra. The key is RSA because
// Microsoft's suites are ECDHE_RSA (FACTS.md 1.1) and legacy TLS 1.0/1.1
// clients offer RSA suites. The subject mimics Microsoft's: outlook.com
// on submission, mail.protection.outlook.com on the MX.
func (ca *CA) issueLeaf(addr net.Addr, m transcript.Method, now time.Time, extra []string) (tls.Certificate, error) {
	ca.leafOnce.Do(func() { ca.leafKey, ca.leafErr = rsa.GenerateKey(rand.Reader, 2048) })
	if ca.leafErr != nil {
		return tls.Certificate{}, fmt.Errorf("sim: leaf key: %w", ca.leafErr)
	}
	serial, err := newSerial()
	if err != nil {
		return tls.Certificate{}, err
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if ip := addrIP(addr); ip != nil && !ip.IsUnspecified() && !ip.Equal(ips[0]) && !ip.Equal(ips[1]) {
		ips = append(ips, ip)
	}
	cn := "outlook.com"
	if m != transcript.Submission {
		cn = "mail.protection.outlook.com"
	}
	// Valid around both the injected clock and the real one, so a client
	// verifying with either accepts it; a year ahead, like a real leaf.
	from, to := now, time.Now()
	if to.Before(from) {
		from, to = to, from
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"smtpspec simulator"}},
		NotBefore:    from.Add(-time.Hour),
		NotAfter:     to.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     append(slices.Clone(leafNames), extra...),
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, ca.leafKey.Public(), ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("sim: leaf certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("sim: leaf certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: ca.leafKey, Leaf: leaf}, nil
}

func newSerial() (*big.Int, error) {
	n, err := localca.Serial()
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	return n, nil
}

// addrIP returns the IP of a listener or peer address, or nil.
func addrIP(a net.Addr) net.IP {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP
	case nil:
		return nil
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return nil
	}
	return net.ParseIP(host)
}
