package runner

import (
	"crypto/x509"
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
			pool, err := rootPool(nil, file)
			if err != nil {
				t.Error(err)
				return
			}
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
