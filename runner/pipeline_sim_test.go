package runner

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
)

// TestPipeliningGoldensAgainstSimulator runs every example spec against
// the simulator scenario of its name (the simulator advertises and honours
// PIPELINING) with pipelining on and off: the goldens must be
// byte-identical. (The simulator varies host names, tokens and dates on
// every connection, so raw lines differ between any two runs; the
// scripted-server test above compares those.)
func TestPipeliningGoldensAgainstSimulator(t *testing.T) {
	sites := exampleSites(t)
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, s := range sites {
		if strings.HasSuffix(s.Name, "stall") || s.Name == "no-banner" {
			continue // never reaches MAIL: nothing to pipeline, seconds to wait
		}
		sc, err := sim.Find(s.Name)
		if err != nil {
			continue // sim's own tests pair every example with a scenario
		}
		_, addr := simtest.StartScenario(t, sc, sim.Options{CA: ca})
		s.Endpoint.Host, s.Endpoint.MXDomain, s.Endpoint.ServerName = "127.0.0.1", "", "localhost"
		s.Endpoint.Port = addr.Port
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out [2][]byte
			for i, on := range []bool{false, true} {
				site := *s
				site.Client.Pipelining = on
				tr := Probe(context.Background(), &site, ProbeOptions{RootCAs: ca.Pool(), Token: "smtpspec-0123456789abcdef"})
				out[i] = golden.Render(tr)
			}
			if !bytes.Equal(out[0], out[1]) {
				t.Errorf("site %s: pipelined transcript differs\n--- sequential:\n%s\n--- pipelined:\n%s", s.Name, out[0], out[1])
			}
		}()
	}
	wg.Wait()
}

// exampleSites loads the example specs (from disk, so that files they
// name resolve) with the demo's password. An example that needs more than
// a password (a client key, say) is left out here: the demo and the
// simulator's own tests check that every example loads.
func exampleSites(t *testing.T) []*specs.Site {
	t.Helper()
	files, _ := filepath.Glob("../specs/examples/*.hcl")
	var sites []*specs.Site
	for _, f := range files {
		s, diags := specs.NewLoader(func(string) string { return "demo-password-not-a-secret" }).LoadPaths(f)
		if diags.HasErrors() {
			t.Logf("%s left out: %s", f, diags.Error())
			continue
		}
		sites = append(sites, s...)
	}
	if len(sites) < 10 {
		t.Fatalf("only %d example sites loaded", len(sites))
	}
	return sites
}
