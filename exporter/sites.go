package exporter

import (
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// siteSet is one load of the specs: never changed after it is built, so
// probes that started before a reload finish with the sites they began with.
type siteSet struct {
	order  []*specs.Site // as the specs declare them (the landing page's order)
	byName map[string]*specs.Site
}

func newSiteSet(sites []*specs.Site) *siteSet {
	set := &siteSet{order: sites, byName: make(map[string]*specs.Site, len(sites))}
	for _, s := range sites {
		set.byName[s.Name] = s
	}
	return set
}

// names lists the sites in spec order (for the 400 answer).
func (s *siteSet) names() []string {
	out := make([]string, len(s.order))
	for i, site := range s.order {
		out[i] = site.Name
	}
	return out
}

// summary is what the landing page shows of a site's last scrape; it
// holds no transcript, so a fleet's memory stays flat.
type summary struct {
	Status   runner.Status
	Verdict  string // diagnosis.Verdict.Line: redacted like every report
	At       time.Time
	Duration time.Duration
	Guard    bool // answered from the AUTH-failure record, not probed
}

// lastResults keeps one summary per site, for the landing page.
type lastResults struct {
	mu sync.Mutex
	m  map[string]summary
}

func newLastResults() *lastResults { return &lastResults{m: map[string]summary{}} }

func (l *lastResults) put(name string, s summary) {
	l.mu.Lock()
	l.m[name] = s
	l.mu.Unlock()
}

func (l *lastResults) get(name string) (summary, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.m[name]
	return s, ok
}

// keep forgets the sites a reload removed.
func (l *lastResults) keep(set *siteSet) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for name := range l.m {
		if set.byName[name] == nil {
			delete(l.m, name)
		}
	}
}
