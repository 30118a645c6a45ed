package main

import (
	"io/fs"
	"path/filepath"
	"time"

	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/specs"
)

// demoClientKeyVar is the variable relay-certificate.hcl names for its key.
const demoClientKeyVar = "SMTPSPEC_DEMO_CLIENT_KEY"

// demoClientCertFile is the certificate relay-certificate.hcl names with
// file(), as the loader sees the embedded path.
const demoClientCertFile = "examples/relay-certificate.pem"

// demoClient is the client certificate of the relay-certificate example,
// issued at run time by the demo's simulator CA, so that no private key is
// committed anywhere: it lives in memory for one demo and the simulator
// that trusts it lives exactly as long.
type demoClient struct {
	certPEM, keyPEM []byte
}

// newDemoClient issues the example's certificate for the simulator's
// accepted domain (CN and SAN relay.contoso.com), valid well past the
// example's cert_days_min.
func newDemoClient(ca *sim.CA, now time.Time) (*demoClient, error) {
	cert, key, err := ca.IssueClient(simClientHost+"."+sim.DefaultDomain, now.Add(simClientValidity))
	if err != nil {
		return nil, err
	}
	return &demoClient{certPEM: cert, keyPEM: key}, nil
}

// readExample makes file() in the embedded examples read the embedded
// files beside them, and the demo's issued certificate for the one the
// relay-certificate example names.
func (dc *demoClient) readExample(p string) ([]byte, error) {
	p = filepath.ToSlash(p)
	if p == demoClientCertFile {
		return dc.certPEM, nil
	}
	return fs.ReadFile(specs.Examples, p)
}
