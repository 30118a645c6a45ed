package main

import (
	"crypto/x509"
	_ "embed"
	"io/fs"
	"path/filepath"

	"github.com/smtpspec/smtpspec/specs"
)

// demoClientKey is the private key of specs/examples/relay-certificate.pem,
// a self-signed certificate made for the demo only: it protects nothing,
// and the demo's simulator is the only thing that trusts it.
//
//go:embed demo_client_key.pem
var demoClientKey string

// demoClientKeyVar is the variable relay-certificate.hcl names for its key.
const demoClientKeyVar = "SMTPSPEC_DEMO_CLIENT_KEY"

// readExample makes file() in the embedded examples read the embedded
// files beside them (examples/relay-certificate.pem).
func readExample(p string) ([]byte, error) {
	return fs.ReadFile(specs.Examples, filepath.ToSlash(p))
}

// demoClientCAs trusts the examples' client certificates, for the
// simulator's certificate connector (scenario relay-certificate).
func demoClientCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	names, _ := fs.Glob(specs.Examples, "examples/*.pem")
	for _, n := range names {
		if pem, err := fs.ReadFile(specs.Examples, n); err == nil {
			pool.AppendCertsFromPEM(pem)
		}
	}
	return pool
}
