package runner

import (
	"crypto/x509"
	"strings"
	"sync"
	"testing"
)

// TestSystemRootsShared: the system's roots are loaded once per process,
// from any number of probes at once, and every caller gets its own copy:
// what one site's ca_file adds is never trusted by another site.
func TestSystemRootsShared(t *testing.T) {
	PreloadSystemRoots()
	PreloadSystemRoots() // idempotent
	pki := newPKI(t, "localhost")
	caFile := pki.caFile(t)
	leaf, err := x509.ParseCertificate(pki.leaf.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	const probes = 8
	withCA := make([]bool, probes)
	var wg sync.WaitGroup
	for i := range probes {
		wg.Go(func() {
			file := ""
			if i%2 == 0 {
				file = caFile
			}
			tr, err := newTrust(nil, file)
			if err != nil {
				t.Error(err)
				return
			}
			pool := tr.full()
			_, err = leaf.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: pool})
			withCA[i] = err == nil
		})
	}
	wg.Wait()
	for i, ok := range withCA {
		if want := i%2 == 0; ok != want {
			t.Errorf("probe %d (ca_file %t) trusts the test CA: %t", i, want, ok)
		}
	}
	if !systemRootPool().Equal(systemRootPool()) {
		t.Error("two copies of the system roots differ")
	}
}

// TestTrustAnchorsFirst: a chain that ends at the ca_file's certificate is
// verified without building the full trust (the system's roots are never
// read for it); one that does not is verified against the full trust, and
// its error is the full trust's.
func TestTrustAnchorsFirst(t *testing.T) {
	pki := newPKI(t, "localhost")
	other := newPKI(t, "localhost")
	leaf, err := x509.ParseCertificate(pki.leaf.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		caFile   string
		pool     *x509.CertPool // ProbeOptions.RootCAs; nil: the system's
		wantFull bool           // the full trust must be consulted
		wantErr  string
	}{
		{"ca_file signs the chain", pki.caFile(t), nil, false, ""},
		{"ca_file signs the chain, wrong name", pki.caFile(t), nil, true, "certificate is valid for localhost, not mx.example"},
		{"another ca_file, roots sign it", other.caFile(t), pki.pool, true, ""},
		{"another ca_file, nothing signs it", other.caFile(t), x509.NewCertPool(), true, "certificate signed by unknown authority"},
		{"no ca_file", "", pki.pool, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := newTrust(tt.pool, tt.caFile)
			if err != nil {
				t.Fatal(err)
			}
			full := tr.full
			usedFull := false
			tr.full = func() *x509.CertPool { usedFull = true; return full() }
			name := "localhost"
			if strings.Contains(tt.name, "wrong name") {
				name = "mx.example"
			}
			err = tr.verify(leaf, x509.NewCertPool(), name)
			if usedFull != tt.wantFull {
				t.Errorf("full trust consulted: %t, want %t", usedFull, tt.wantFull)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("verify: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("verify: %v, want %q", err, tt.wantErr)
			}
		})
	}
}
