package exporter

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// DefaultMaxProbes is how many probes run at once unless Config says
// otherwise: a site's probe is a few round trips and ~2 ms of CPU, so a
// fleet scraped every minute needs few at a time.
const DefaultMaxProbes = 32

// Config is what an Exporter needs from its command.
type Config struct {
	// Load reads and validates the specs; its error (the diagnostics as
	// text) is shown on the landing page and in the log, and the last
	// good set of sites stays in service.
	Load      func() ([]*specs.Site, error)
	Golden    golden.Store        // read and compared, never written
	AuthGuard *authguard.Guard    // the AUTH-failure guard; nil: none
	Probe     runner.ProbeOptions // the probe's seams (tests: RootCAs)
	MaxProbes int                 // probes in flight; <= 0: DefaultMaxProbes
	Version   string              // smtpspec_exporter_build_info
	Logf      func(format string, args ...any)
	Now       func() time.Time
}

// Exporter is the HTTP side of `smtpspec serve`. It is safe for
// concurrent use; create it with New.
type Exporter struct {
	cfg   Config
	self  *selfMetrics
	slots chan struct{} // one token per probe in flight

	// base is cancelled by Stop: in-flight probes end at once.
	base   context.Context
	cancel context.CancelFunc

	mu       sync.RWMutex
	sites    *siteSet
	loadErr  error     // the last reload's failure, nil after a good one
	loadedAt time.Time // when the set in service was loaded

	last    *lastResults
	flights *flights
}

// New loads the specs once and returns an exporter serving them; a spec
// error at start is returned (there is no last good set yet).
func New(cfg Config) (*Exporter, error) {
	if cfg.MaxProbes <= 0 {
		cfg.MaxProbes = DefaultMaxProbes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	e := &Exporter{cfg: cfg, slots: make(chan struct{}, cfg.MaxProbes), last: newLastResults(), flights: newFlights()}
	e.base, e.cancel = context.WithCancel(context.Background())
	e.self = newSelfMetrics(cfg.Version, cfg.MaxProbes)
	if err := e.Reload(); err != nil {
		return nil, fmt.Errorf("specs: %w", err)
	}
	return e, nil
}

// Handler routes the exporter's pages.
func (e *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /probe", e.serveProbe)
	mux.Handle("GET /metrics", e.self.handler())
	mux.HandleFunc("POST /-/reload", e.serveReload)
	mux.HandleFunc("GET /-/healthy", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "OK") })
	mux.HandleFunc("GET /{$}", e.serveLanding)
	return mux
}

// Stop cancels every probe still running; their scrapes answer what the
// probe recorded until then. Further probes are refused.
func (e *Exporter) Stop() { e.cancel() }

// current returns the set of sites in service.
func (e *Exporter) current() *siteSet {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.sites
}
