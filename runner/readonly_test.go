package runner

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
)

// TestReadOnlyLeavesTheGoldenFolder: with ReadOnly (serve, check) a run
// that matches its golden keeps a stale pending golden, and one that
// drifts or has no golden writes none, in a folder it may not write to.
func TestReadOnlyLeavesTheGoldenFolder(t *testing.T) {
	site, ca := directSendSim(t)
	opts := Options{Golden: golden.Store{Dir: t.TempDir()}, Probe: ProbeOptions{RootCAs: ca.Pool()}}
	first := RunSite(context.Background(), site, Options{Golden: opts.Golden, Update: true, Probe: opts.Probe})
	if first.Status != StatusPass {
		t.Fatalf("recording run: %s %v", first.Status, first.Err)
	}
	stale := opts.Golden.PendingPath(site.Name)
	if err := os.WriteFile(stale, []byte("stale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.ReadOnly = true
	if r := RunSite(context.Background(), site, opts); r.Status != StatusPass || r.Pending != "" {
		t.Fatalf("matching run: status %s, pending %q, err %v", r.Status, r.Pending, r.Err)
	}
	if _, err := os.Stat(stale); err != nil {
		t.Errorf("ReadOnly removed the stale pending golden: %v", err)
	}
	other := *site
	other.Name = "no-golden-yet"
	if r := RunSite(context.Background(), &other, opts); r.Status != StatusNew || r.Pending != "" {
		t.Fatalf("new site: status %s, pending %q", r.Status, r.Pending)
	}
	if _, err := os.Stat(filepath.Join(opts.Golden.Dir, "no-golden-yet"+golden.PendingExt)); err == nil {
		t.Error("ReadOnly wrote a pending golden")
	}
}

// directSendSim is a Direct Send site at a directsend-ok simulator, and
// the simulator's CA.
func directSendSim(t *testing.T) (*specs.Site, *sim.CA) {
	t.Helper()
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	_, addr := simtest.Start(t, "directsend-ok", sim.Options{CA: ca})
	site := testSite(addr.Port, func(s *specs.Site) {
		s.Method, s.Auth = "direct_send", nil
		s.Envelope.From, s.Envelope.To = "scanner@contoso.com", []string{"frontdesk@contoso.com"}
	})
	return site, ca
}

// TestEarliestNotAfter: the TLS facts carry the chain's earliest expiry
// (blackbox_exporter's probe_ssl_earliest_cert_expiry), the leaf's here.
func TestEarliestNotAfter(t *testing.T) {
	site, ca := directSendSim(t)
	tr := Probe(context.Background(), site, ProbeOptions{RootCAs: ca.Pool()})
	if tr.TLS == nil || tr.TLS.EarliestNotAfter.IsZero() {
		t.Fatalf("no earliest expiry recorded: %+v", tr.TLS)
	}
	if tr.TLS.EarliestNotAfter.After(tr.TLS.NotAfter) {
		t.Errorf("earliest %v after the leaf's %v", tr.TLS.EarliestNotAfter, tr.TLS.NotAfter)
	}
}
