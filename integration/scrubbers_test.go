//go:build linux

package integration

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
)

// scrubberHits counts, per scrubber, the raw transcript lines it changed.
type scrubberHits struct {
	mu sync.Mutex
	n  map[string]int
}

func (h *scrubberHits) add(r *runner.Result) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range r.Transcript.Lines {
		for _, name := range golden.Volatile(l.Text) {
			h.n[name]++
		}
	}
}

// missing are the scrubbers no line met, but those in except.
func (h *scrubberHits) missing(except ...string) []string {
	var out []string
	for _, name := range golden.Scrubbers() {
		if h.n[name] == 0 && !slices.Contains(except, name) {
			out = append(out, name)
		}
	}
	return out
}

// twice runs site twice with fresh goldens and fails unless both goldens
// are byte-identical; it returns the second result.
func twice(t *testing.T, site *specs.Site, opts runner.ProbeOptions) *runner.Result {
	t.Helper()
	var out [2]*runner.Result
	for i := range out {
		out[i] = runner.RunSite(context.Background(), site, runner.Options{Golden: golden.Store{Dir: t.TempDir()}, Probe: opts})
	}
	if !bytes.Equal(out[0].Golden, out[1].Golden) {
		t.Errorf("site %s: goldens differ between two runs:\n--- 1\n%s\n--- 2\n%s", site.Name, out[0].Golden, out[1].Golden)
	}
	return out[1]
}

// TestDeterminismMeetsEveryScrubber: every example site against its
// simulator scenario (and the working ones again with a message sent),
// and every shape of the scripted Exchange-shaped server (one of them
// over IPv6 loopback), run twice: the goldens are byte-identical, and
// between them the raw replies met every built-in scrubber. Postfix's
// queue ids are met by TestPostfixExchangeShapedReplies, the real
// Postfix.
func TestDeterminismMeetsEveryScrubber(t *testing.T) {
	hits := &scrubberHits{n: map[string]int{}}
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	var sites []*specs.Site
	for _, s := range exampleSites(t) {
		if strings.HasSuffix(s.Name, "stall") || s.Name == "no-banner" {
			continue // seconds of silence, no volatile part: cmd/smtpspec's determinism test has them
		}
		sites = append(sites, s)
		if s.Name == "submission-ok" || s.Name == "directsend-ok" || s.Name == "directsend-mx-microsoft" {
			sent := *s
			sent.Envelope.SendMessage = true
			sites = append(sites, &sent)
		}
	}
	t.Run("simulator", func(t *testing.T) {
		for _, s := range sites {
			t.Run(s.Name, func(t *testing.T) {
				t.Parallel()
				sc, err := sim.Find(s.Name)
				if err != nil {
					t.Fatal(err)
				}
				_, addr := simtest.StartScenario(t, sc, sim.Options{CA: ca})
				site := *s
				site.Endpoint.Host, site.Endpoint.MXDomain, site.Endpoint.ServerName, site.Endpoint.Port = "127.0.0.1", "", "localhost", addr.Port
				hits.add(twice(t, &site, runner.ProbeOptions{RootCAs: ca.Pool()}))
			})
		}
	})
	t.Run("scripted", func(t *testing.T) {
		for i, tc := range shapeCases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				addr := "127.0.0.1:0"
				if i == 0 {
					addr = "[::1]:0"
				}
				srv := startExoShapeOn(t, tc.cfg, addr)
				site := shapeSite(t, tc.name, srv.ln.Addr().String(), srv.certs.CAFile, "reception@contoso.com", tc.to, tc.expect)
				hits.add(twice(t, site, runner.ProbeOptions{}))
			})
		}
	})
	if m := hits.missing("postfix-queue-id"); len(m) > 0 {
		t.Errorf("no simulator or scripted reply met the scrubbers %v (hits: %v)", m, hits.n)
	}
	t.Logf("lines per scrubber: %v", hits.n)
}

// exampleSites loads specs/examples with the demo's password; examples
// that need more (a client key) are left out.
func exampleSites(t *testing.T) []*specs.Site {
	t.Helper()
	files, _ := filepath.Glob("../specs/examples/*.hcl")
	var out []*specs.Site
	for _, f := range files {
		s, diags := specs.NewLoader(func(string) string { return "demo-password-not-a-secret" }).LoadPaths(f)
		if !diags.HasErrors() {
			out = append(out, s...)
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d example sites loaded", len(out))
	}
	return out
}
