package runner

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// TestStalledSiteDoesNotHoldOthers runs a fleet where one site's server
// never answers EHLO: the other sites finish first (they do not wait for
// the stalled one), and the stalled site ends at its stage deadline with
// a timeout at ehlo. Order, not time, is asserted.
func TestStalledSiteDoesNotHoldOthers(t *testing.T) {
	stalled := startServer(t, func(p *peer) {
		p.send("220 ready")
		p.stall()
	})
	healthy := startServer(t, (&smtpd{banner: "220 test.local ESMTP", ehlo: []string{"250-test.local", "250 PIPELINING"},
		reply: map[string]string{}}).serve)
	site := func(name string, port int) *specs.Site {
		return testSite(port, func(s *specs.Site) {
			s.Name, s.Auth, s.Method = name, nil, transcript.Relay
			s.Endpoint.TLS = transcript.NoTLS
			s.Client.Pipelining = true
			s.Timeouts = specs.Timeouts{Connect: 5 * time.Second, Command: time.Second, Total: 10 * time.Second}
		})
	}
	sites := []*specs.Site{site("stalled", stalled.port)}
	for _, name := range []string{"a", "b", "c"} {
		sites = append(sites, site(name, healthy.port))
	}
	var mu sync.Mutex
	var order []string
	results := Run(context.Background(), sites, Options{
		Parallel: 4, Golden: golden.Store{Dir: t.TempDir()}, Update: true, Now: testClock,
		OnResult: func(r *Result) {
			mu.Lock()
			order = append(order, r.Site.Name)
			mu.Unlock()
		},
	})
	if len(order) != 4 || order[3] != "stalled" {
		t.Errorf("sites finished in order %q, want the stalled one last", order)
	}
	st := results[0].Transcript.Stage(transcript.EHLO)
	if st.Status != transcript.Fail || st.Err == nil || st.Err.Kind != transcript.KindTimeout {
		t.Errorf("stalled site: ehlo = %s %s, want a timeout", st.Status, st.Evidence())
	}
	for _, r := range results[1:] {
		if r.Status != StatusPass {
			t.Errorf("site %s: %s, want pass", r.Site.Name, r.Status)
		}
	}
}
