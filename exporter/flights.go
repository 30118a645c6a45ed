package exporter

import "sync"

// flights lets concurrent scrapes of one site share one probe: two
// Prometheus replicas (an HA pair) scraping the same exporter would
// otherwise open two SMTP sessions at once, and a failing mailbox would
// see two AUTH failures instead of one.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

// flight is one probe in progress; done is closed when out is set.
type flight struct {
	done chan struct{}
	out  *outcome
	err  error
}

func newFlights() *flights { return &flights{m: map[string]*flight{}} }

// join returns the site's flight in progress, or a new one that the caller
// leads (runs and then lands).
func (f *flights) join(name string) (fl *flight, leader bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl := f.m[name]; fl != nil {
		return fl, false
	}
	fl = &flight{done: make(chan struct{})}
	f.m[name] = fl
	return fl, true
}

// land publishes the leader's outcome to every follower.
func (f *flights) land(name string, fl *flight, out *outcome, err error) {
	f.mu.Lock()
	delete(f.m, name)
	f.mu.Unlock()
	fl.out, fl.err = out, err
	close(fl.done)
}
