package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// DefaultAuthInterval is the minimum time between two probes of the same
// mailbox on the same endpoint after one failed at AUTH. Microsoft 365
// throttles a mailbox after continuous SMTP AUTH failures "for a period
// of time", and support cannot lift it (FACTS.md, "Continuous error
// throttling": learn.microsoft.com continuous-error-throttling-smtp-auth-
// submissions); a probe that fails again every CI run would keep the real
// printer locked out.
const DefaultAuthInterval = 15 * time.Minute

// ThrottleFile is the state file's name inside the cache folder.
const ThrottleFile = "auth-failures.json"

// Throttle keeps the AUTH failures of recent runs, per endpoint and
// mailbox, in a small JSON file (DefaultThrottlePath), and refuses to
// probe a mailbox again until Interval has passed since its last AUTH
// failure. It records only the endpoint, the user name, the time and the
// server's reply line: never a secret. A Throttle is safe for concurrent
// use; sites of one run that share a mailbox are probed one after the
// other, so a run never fails the same mailbox twice in parallel.
type Throttle struct {
	Path     string        // the state file
	Interval time.Duration // <= 0: DefaultAuthInterval
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
	// process wrote it: every write replaces the file, throttle_lock.go).
	cacheMu sync.Mutex
	cached  *throttleState
	info    fs.FileInfo
}

// AuthFailure is one entry of the state file.
type AuthFailure struct {
	Endpoint string    `json:"endpoint"` // host:port as the spec names it
	Mailbox  string    `json:"mailbox"`  // auth.username
	At       time.Time `json:"at"`       // when the failed run probed
	Reply    string    `json:"reply"`    // the server's reply line, as evidence
}

// throttleState is the file's shape.
type throttleState struct {
	Failures []AuthFailure `json:"auth_failures"`
}

// ErrThrottled marks a site that was not probed because its mailbox
// failed AUTH too recently.
var ErrThrottled = errors.New("not probed: AUTH failed too recently")

// ThrottledError says why a site was skipped and when it may run again.
type ThrottledError struct {
	Last AuthFailure
	Next time.Time
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("not probed: %s failed AUTH on %s at %s (%s); Microsoft 365 throttles a mailbox after "+
		"continuous AUTH failures and support cannot lift it, so smtpspec waits until %s before trying again "+
		"(fix the credentials or the mailbox first; --force probes anyway)",
		e.Last.Mailbox, e.Last.Endpoint, e.Last.At.Format(time.RFC3339), e.Last.Reply, e.Next.Format(time.RFC3339))
}

func (e *ThrottledError) Unwrap() error { return ErrThrottled }

// DefaultThrottlePath is the state file in the user's cache folder, found
// like os.UserCacheDir but through getenv so tests can place it:
// $XDG_CACHE_HOME/smtpspec or ~/.cache/smtpspec on Linux and BSD,
// ~/Library/Caches/smtpspec on macOS, %LocalAppData%\smtpspec on Windows.
// SMTPSPEC_CACHE_DIR, if set, names the folder itself.
func DefaultThrottlePath(getenv func(string) string) (string, error) {
	if d := getenv("SMTPSPEC_CACHE_DIR"); d != "" {
		return filepath.Join(d, ThrottleFile), nil
	}
	var base string
	switch runtime.GOOS {
	case "windows":
		base = getenv("LocalAppData")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			base = filepath.Join(h, "Library", "Caches")
		}
	default:
		base = getenv("XDG_CACHE_HOME")
		if !filepath.IsAbs(base) {
			base = ""
			if h := getenv("HOME"); h != "" {
				base = filepath.Join(h, ".cache")
			}
		}
	}
	if base == "" {
		return "", errors.New("no cache folder: set HOME, XDG_CACHE_HOME or SMTPSPEC_CACHE_DIR")
	}
	return filepath.Join(base, "smtpspec", ThrottleFile), nil
}

// throttleKey names what Microsoft 365 throttles: one mailbox, as seen by
// one endpoint. It is "" for a site without AUTH.
func throttleKey(s *specs.Site) string {
	if s.Auth == nil {
		return ""
	}
	return endpointOf(s) + "\x00" + strings.ToLower(s.Auth.Username)
}

// Target is the site's endpoint as host:port, as its transcript names it
// (the MX domain for a site that resolves one).
func Target(s *specs.Site) string { return endpointOf(s) }

// endpointOf is the site's target as host:port, as the transcript names it.
func endpointOf(s *specs.Site) string {
	name := s.Endpoint.Host
	if name == "" {
		name = s.Endpoint.MXDomain
	}
	port := s.Endpoint.Port
	if port == 0 {
		port = specs.MXPort
		if s.Method == transcript.Submission {
			port = specs.SubmissionPort
		}
	}
	return fmt.Sprintf("%s:%d", name, port)
}

// lock serialises the sites of one process that share key.
func (th *Throttle) lock(key string) func() {
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

func (th *Throttle) now() time.Time {
	if th.Now != nil {
		return th.Now()
	}
	return time.Now()
}

func (th *Throttle) interval() time.Duration {
	if th.Interval > 0 {
		return th.Interval
	}
	return DefaultAuthInterval
}

// Check returns a *ThrottledError when s's mailbox failed AUTH on its
// endpoint less than Interval ago and Force is off. An unreadable state
// file is an error too: the tool cannot promise to do no harm without it.
func (th *Throttle) Check(s *specs.Site) error {
	key := throttleKey(s)
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
			return &ThrottledError{Last: f, Next: next}
		}
	}
	return nil
}

// Record updates the state after s was probed: an AUTH stage the server
// refused is recorded, an accepted one clears the mailbox's entry, and a
// run that never reached AUTH changes nothing.
func (th *Throttle) Record(s *specs.Site, t *transcript.Transcript) error {
	key := throttleKey(s)
	if key == "" {
		return nil
	}
	r := t.Stage(transcript.Auth)
	var entry *AuthFailure
	switch {
	case r.Status == transcript.Pass:
	case r.Status == transcript.Fail && r.Reply != nil:
		entry = &AuthFailure{Endpoint: endpointOf(s), Mailbox: s.Auth.Username, At: th.now().UTC(), Reply: r.Reply.Line()}
	default:
		return nil
	}
	// One writer per process (mu), and one per machine (the file lock,
	// throttle_lock.go): the state is re-read under the lock, so an entry
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
	var kept []AuthFailure // a new slice: st is the cache's, shared with readers
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
	return th.save(&throttleState{Failures: kept})
}

// load returns the state for reading; the caller must not modify it.
func (th *Throttle) load() (*throttleState, error) {
	f, err := os.Open(th.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &throttleState{}, nil
	case err != nil:
		return nil, fmt.Errorf("AUTH failure state: %w", err)
	}
	defer f.Close()
	// The open file's identity, not the path's: the version read below.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("AUTH failure state: %w", err)
	}
	th.cacheMu.Lock()
	defer th.cacheMu.Unlock()
	if th.cached != nil && sameVersion(th.info, fi) {
		return th.cached, nil
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("AUTH failure state: %w", err)
	}
	st := &throttleState{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("AUTH failure state %s is damaged (delete it to start afresh): %w", th.Path, err)
	}
	th.cached, th.info = st, fi
	return st, nil
}

// sameVersion reports whether a and b describe the same version of the
// state file: the same inode (every write replaces it), size and time.
func sameVersion(a, b fs.FileInfo) bool {
	return a != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

func (th *Throttle) save(st *throttleState) error {
	sort.Slice(st.Failures, func(i, j int) bool { return st.Failures[i].At.Before(st.Failures[j].At) })
	// One entry per line: as readable as an indented file, and each save
	// encodes its entries once instead of encoding and then re-indenting
	// the whole state (a run with hundreds of failing mailboxes saves
	// after each one).
	var b bytes.Buffer
	b.WriteString(`{"auth_failures": [`)
	for i, f := range st.Failures {
		line, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("AUTH failure state: %w", err)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  ")
		b.Write(line)
	}
	b.WriteString("\n]}")
	if err := os.MkdirAll(filepath.Dir(th.Path), 0o700); err != nil {
		return fmt.Errorf("AUTH failure state: %w", err)
	}
	if err := atomicfile.Write(th.Path, append(b.Bytes(), '\n')); err != nil {
		return fmt.Errorf("AUTH failure state: %w", err)
	}
	// Under the file lock no other process replaces the file, so what was
	// just written is the version the path now names.
	if fi, err := os.Stat(th.Path); err == nil {
		th.cacheMu.Lock()
		th.cached, th.info = st, fi
		th.cacheMu.Unlock()
	}
	return nil
}

// begin waits for the other sites of this process that probe the same
// mailbox, then checks the state; release must be called after Record.
func (th *Throttle) begin(s *specs.Site) (release func(), err error) {
	key := throttleKey(s)
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
