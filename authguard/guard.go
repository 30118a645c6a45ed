// Package authguard keeps a mailbox that failed SMTP AUTH from being
// probed again too soon: Microsoft 365 throttles a mailbox after
// continuous AUTH failures, so a probe that fails on every CI run would
// keep the real printer locked out. The runner asks a Guard before each
// AUTH site (Begin) and tells it what AUTH answered (Record); a refused
// site gets a *Refused error that says when it may run again.
package authguard

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// DefaultInterval is the minimum time between two probes of the same
// mailbox on the same endpoint after one failed at AUTH. Microsoft 365
// throttles a mailbox after continuous SMTP AUTH failures "for a period
// of time", and support cannot lift it (FACTS.md, "Continuous error
// throttling": learn.microsoft.com continuous-error-throttling-smtp-auth-
// submissions); a probe that fails again every CI run would keep the real
// printer locked out.
const DefaultInterval = 15 * time.Minute

// File is the state file's name inside the cache folder.
const File = "auth-failures.json"

// Guard keeps the AUTH failures of recent runs, per endpoint and
// mailbox, in a small JSON file (DefaultPath), and refuses to
// probe a mailbox again until Interval has passed since its last AUTH
// failure. It records only the endpoint, the user name, the time and the
// server's reply line: never a secret. A Guard is safe for concurrent
// use; sites of one run that share a mailbox are probed one after the
// other, so a run never fails the same mailbox twice in parallel.
type Guard struct {
	Path     string        // the state file
	Interval time.Duration // <= 0: DefaultInterval
	Force    bool          // probe anyway (--force); failures are still recorded
	Now      func() time.Time

	mu    sync.Mutex
	locks map[string]*sync.Mutex

	// cache is the state as last read or written by this process, with
	// the file's identity at that moment. A fleet run checks the file
	// before every AUTH site and rewrites it after every AUTH failure:
	// parsed again each time, a state of n entries cost O(n) per site,
	// and 500 failing sites in a run of 3,000 spent ~15% of the run's CPU
	// in encoding/json. The file is re-read only when it changed (another
	// process wrote it: every write replaces the file, lock.go).
	cacheMu sync.Mutex
	cached  *state
	info    fs.FileInfo
}

// Failure is one entry of the state file.
type Failure struct {
	Endpoint string    `json:"endpoint"` // host:port as the spec names it
	Mailbox  string    `json:"mailbox"`  // auth.username
	At       time.Time `json:"at"`       // when the failed run probed
	Reply    string    `json:"reply"`    // the server's reply line, as evidence
}

// ErrRefused marks a site that was not probed because its mailbox
// failed AUTH too recently.
var ErrRefused = errors.New("not probed: AUTH failed too recently")

// Refused says why a site was skipped and when it may run again.
type Refused struct {
	Last Failure
	Next time.Time
}

func (e *Refused) Error() string {
	return fmt.Sprintf("not probed: %s failed AUTH on %s at %s (%s); Microsoft 365 throttles a mailbox after "+
		"continuous AUTH failures and support cannot lift it, so smtpspec waits until %s before trying again "+
		"(fix the credentials or the mailbox first; --force probes anyway)",
		e.Last.Mailbox, e.Last.Endpoint, e.Last.At.Format(time.RFC3339), e.Last.Reply, e.Next.Format(time.RFC3339))
}

func (e *Refused) Unwrap() error { return ErrRefused }

// key names what Microsoft 365 throttles: one mailbox, as seen by
// one endpoint. It is "" for a site without AUTH.
func key(s *specs.Site) string {
	if s.Auth == nil {
		return ""
	}
	return s.Target() + "\x00" + strings.ToLower(s.Auth.Username)
}

// lock serialises the sites of one process that share key.
func (th *Guard) lock(key string) func() {
	th.mu.Lock()
	if th.locks == nil {
		th.locks = map[string]*sync.Mutex{}
	}
	m := th.locks[key]
	if m == nil {
		m = &sync.Mutex{}
		th.locks[key] = m
	}
	th.mu.Unlock()
	m.Lock()
	return m.Unlock
}

func (th *Guard) now() time.Time {
	if th.Now != nil {
		return th.Now()
	}
	return time.Now()
}

func (th *Guard) interval() time.Duration {
	if th.Interval > 0 {
		return th.Interval
	}
	return DefaultInterval
}

// Check returns a *Refused when s's mailbox failed AUTH on its
// endpoint less than Interval ago and Force is off. An unreadable state
// file is an error too: the tool cannot promise to do no harm without it.
func (th *Guard) Check(s *specs.Site) error {
	key := key(s)
	if key == "" || th.Force {
		return nil
	}
	st, err := th.load()
	if err != nil {
		return err
	}
	for _, f := range st.Failures {
		if f.Endpoint+"\x00"+strings.ToLower(f.Mailbox) != key {
			continue
		}
		next := f.At.Add(th.interval())
		if th.now().Before(next) {
			return &Refused{Last: f, Next: next}
		}
	}
	return nil
}

// Record updates the state after s was probed: an AUTH stage the server
// refused is recorded, an accepted one clears the mailbox's entry, and a
// run that never reached AUTH changes nothing.
func (th *Guard) Record(s *specs.Site, t *transcript.Transcript) error {
	key := key(s)
	if key == "" {
		return nil
	}
	r := t.Stage(transcript.Auth)
	var entry *Failure
	switch {
	case r.Status == transcript.Pass:
	case r.Status == transcript.Fail && r.Reply != nil:
		entry = &Failure{Endpoint: s.Target(), Mailbox: s.Auth.Username, At: th.now().UTC(), Reply: r.Reply.Line()}
	default:
		return nil
	}
	// One writer per process (mu), and one per machine (the file lock,
	// lock.go): the state is re-read under the lock, so an entry
	// another process recorded since this run began is kept, not lost.
	th.mu.Lock()
	defer th.mu.Unlock()
	unlock, err := th.lockState()
	if err != nil {
		return err
	}
	defer unlock()
	st, err := th.load()
	if err != nil {
		return err
	}
	before := len(st.Failures)
	var kept []Failure // a new slice: st is the cache's, shared with readers
	for _, f := range st.Failures {
		stale := th.now().Sub(f.At) > max(24*time.Hour, 2*th.interval()) // keep the file small
		if f.Endpoint+"\x00"+strings.ToLower(f.Mailbox) != key && !stale {
			kept = append(kept, f)
		}
	}
	if entry == nil && len(kept) == before {
		// An accepted AUTH with nothing to clear: the file stays as it is.
		// Rewriting it (an fsync'd atomic write) after every passing
		// submission probe cost 1-4 ms at the end of each run.
		return nil
	}
	if entry != nil {
		kept = append(kept, *entry)
	}
	return th.save(&state{Failures: kept})
}

// Begin waits for the other sites of this process that probe the same
// mailbox, then checks the state; release must be called after Record.
func (th *Guard) Begin(s *specs.Site) (release func(), err error) {
	key := key(s)
	if key == "" {
		return func() {}, nil
	}
	unlock := th.lock(key)
	if err := th.Check(s); err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}
