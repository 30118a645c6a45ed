package forecast

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/oauth/tokenserver"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/specs"
)

// Options configure a Forecaster. Zero values mean the defaults.
type Options struct {
	// Changes are the changes forecast (Select); nil: all of them, empty:
	// none (today only).
	Changes []*Change
	// Assume holds facts for every site (--assume); a site's own fact:
	// tags win.
	Assume Facts
	// Parallel sites are forecast at once; <= 0: 8.
	Parallel int
	// Getenv reads the non-secret values specs name with env() (a user
	// name, an address); secrets are never read. nil: none is set.
	Getenv func(string) string
	// ReadFile reads what specs name with file(); nil: the file system.
	ReadFile func(string) ([]byte, error)
	// Roots are the spec paths given, to name a site's customer by the
	// folder under them that holds its spec (customer.go).
	Roots []string
	// Today, when it returns a scenario for a site, is what the site meets
	// today instead of sim.Today: tests check the forecast against `run`
	// with the example specs' own scenarios.
	Today func(*specs.Site) *sim.Scenario
	// Now is the clock of the simulators and the probes; nil: time.Now.
	Now func() time.Time
	// OnSite is called as each site's forecast is done (progress).
	OnSite func(done, total int)
}

// Forecaster runs forecasts. Load, then Run; Close when done.
type Forecaster struct {
	opts     Options
	ca       *sim.CA
	stand    *standIns
	names    *names
	changes  []*Change
	byID     map[string]*Change
	inEffect []*Change
	noGolden golden.Store
	http     *http.Client
	memo     memo
	// profiles are the fleet as Run runs it: prepared sites holding the
	// stand-in secrets (tokens minted for it) that no output may show.
	profiles []*profile

	viewMu sync.Mutex
	views  map[string]*view

	tokenMu sync.Mutex
	tokens  map[string]*tokenserver.Server // by client id and secret
}

// New prepares a Forecaster: its own certificate authority (the
// simulators' and the stand-in certificates'), nothing listening yet.
func New(opts Options) (*Forecaster, error) {
	ca, err := sim.NewCA()
	if err != nil {
		return nil, err
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 8
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	stand, err := newStandIns(ca, opts.Getenv, opts.ReadFile)
	if err != nil {
		return nil, err
	}
	f := &Forecaster{opts: opts, ca: ca, stand: stand, names: newNames(), changes: opts.Changes,
		byID: map[string]*Change{}, views: map[string]*view{}, tokens: map[string]*tokenserver.Server{},
		// No golden is ever read or written: a folder that does not exist.
		noGolden: golden.Store{Dir: filepath.Join(os.TempDir(), "smtpspec-forecast-has-no-goldens", randomHex())},
		// Token requests go to the forecast's own endpoint on loopback, never
		// through a proxy.
		http: &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 15 * time.Second},
	}
	if f.changes == nil {
		f.changes = Changes()
	}
	// Every change is known (a view or an in-effect change may be one the
	// caller did not select), but only the selected ones are columns.
	for _, c := range Changes() {
		f.byID[c.ID] = c
		if c.inEffect {
			f.inEffect = append(f.inEffect, c)
		}
	}
	return f, nil
}

// Load reads the specs at paths (files or folders) with stand-ins for
// their secrets. files render the diagnostics (specs.WriteDiagnostics).
func (f *Forecaster) Load(paths ...string) ([]*specs.Site, hcl.Diagnostics, map[string]*hcl.File) {
	return f.stand.load(paths)
}

// Close stops the DNS views and token endpoints.
func (f *Forecaster) Close() {
	f.viewMu.Lock()
	for _, v := range f.views {
		v.Close()
	}
	f.views = map[string]*view{}
	f.viewMu.Unlock()
	f.tokenMu.Lock()
	for _, s := range f.tokens {
		s.Close()
	}
	f.tokens = map[string]*tokenserver.Server{}
	f.tokenMu.Unlock()
}

// Run forecasts sites (as Load returned them) under the selected
// changes. A malformed fact: tag is an error before anything runs. When
// ctx ends, the sites not done are marked interrupted.
func (f *Forecaster) Run(ctx context.Context, sites []*specs.Site) (*Forecast, error) {
	var errs []error
	runs := make([]*siteRun, len(sites))
	for i, s := range sites {
		facts, err := siteFacts(s.Name, s.Labels.Tags, f.opts.Assume)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		prepared := f.prepare(s)
		runs[i] = &siteRun{orig: s, p: newProfile(prepared, facts)}
		f.profiles = append(f.profiles, runs[i].p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	fc := &Forecast{Changes: sortedChanges(f.changes), Started: f.opts.Now()}
	fc.Sites = make([]*SiteForecast, len(runs))
	sem := make(chan struct{}, f.opts.Parallel)
	var wg sync.WaitGroup
	var doneMu sync.Mutex
	done := 0
	for i, r := range runs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fc.Sites[i] = f.forecastSite(ctx, r, fc.Changes)
			doneMu.Lock()
			done++
			if f.opts.OnSite != nil {
				f.opts.OnSite(done, len(runs))
			}
			doneMu.Unlock()
		}()
	}
	wg.Wait()
	fc.Runs, fc.Reused = f.memo.counts()
	fc.Interrupted = ctx.Err() != nil
	fc.Elapsed = f.opts.Now().Sub(fc.Started)
	return fc, nil
}

// siteRun is one site being forecast: the spec as loaded and its profile
// (whose site is the prepared one that runs).
type siteRun struct {
	orig *specs.Site
	p    *profile
	// fixOnce and todayFix: what the site needs to work today, if it does
	// not (fix.go), chosen once for all its cells.
	fixOnce  sync.Once
	todayFix *step
}

// tokenServer is the forecast's token endpoint for an app registration
// (client id and secret: the stand-in of the spec's secret): it issues a
// stand-in token from tenant tid.
func (f *Forecaster) tokenServer(clientID, secret, tid string) *tokenserver.Server {
	f.tokenMu.Lock()
	defer f.tokenMu.Unlock()
	k := clientID + "\x00" + secret + "\x00" + tid
	if s, ok := f.tokens[k]; ok {
		return s
	}
	s := tokenserver.NewServer(clientID, secret, standInToken(tid, f.opts.Now()))
	f.tokens[k] = s
	return s
}
