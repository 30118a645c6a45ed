package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// authResult is a transcript whose auth stage ended as given.
func authResult(status transcript.Status, code int) *transcript.Transcript {
	r := transcript.StageResult{Stage: "auth", Status: status}
	if code != 0 {
		r.Reply = &transcript.Reply{Code: code, Enhanced: "5.7.139", Lines: []string{"5.7.139 Authentication unsuccessful"}}
	}
	return &transcript.Transcript{Stages: []transcript.StageResult{r}}
}

func TestThrottleInterval(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	site := testSite(587)
	other := testSite(587, func(s *specs.Site) { s.Auth = &specs.Auth{Username: "other@contoso.test"} })
	noAuth := testSite(587, func(s *specs.Site) { s.Auth = nil })
	elsewhere := testSite(2525)
	tests := []struct {
		name      string
		record    *transcript.Transcript // recorded at t0 for site
		check     *specs.Site
		after     time.Duration
		force     bool
		throttled bool
	}{
		{"refused AUTH throttles the mailbox", authResult(transcript.Fail, 535), site, time.Minute, false, true},
		{"until the interval has passed", authResult(transcript.Fail, 535), site, DefaultAuthInterval + time.Second, false, false},
		{"user name case does not matter", authResult(transcript.Fail, 535), testSite(587, func(s *specs.Site) { s.Auth.Username = strings.ToUpper(testUser) }), time.Minute, false, true},
		{"--force overrides", authResult(transcript.Fail, 535), site, time.Minute, true, false},
		{"another mailbox is not throttled", authResult(transcript.Fail, 535), other, time.Minute, false, false},
		{"another endpoint is not throttled", authResult(transcript.Fail, 535), elsewhere, time.Minute, false, false},
		{"a site without AUTH is never throttled", authResult(transcript.Fail, 535), noAuth, time.Minute, false, false},
		{"a network failure at AUTH is no AUTH failure", authResult(transcript.Fail, 0), site, time.Minute, false, false},
		{"AUTH not reached records nothing", authResult(transcript.Skip, 0), site, time.Minute, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			th := &Throttle{Path: filepath.Join(t.TempDir(), "state", ThrottleFile), Now: func() time.Time { return now }}
			if err := th.Record(site, tt.record); err != nil {
				t.Fatalf("Record: %v", err)
			}
			now = t0.Add(tt.after)
			th.Force = tt.force
			err := th.Check(tt.check)
			var te *ThrottledError
			if got := errors.As(err, &te); got != tt.throttled {
				t.Fatalf("throttled = %v (%v), want %v", got, err, tt.throttled)
			}
			if tt.throttled {
				for _, want := range []string{testUser, "127.0.0.1:587", "535 5.7.139", "--force", t0.Add(DefaultAuthInterval).Format(time.RFC3339)} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("message lacks %q: %v", want, err)
					}
				}
			}
		})
	}
}

func TestThrottleSuccessClears(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	th := &Throttle{Path: filepath.Join(t.TempDir(), ThrottleFile), Now: func() time.Time { return now }}
	site := testSite(587)
	mustRecord(t, th, site, authResult(transcript.Fail, 535))
	th.Force = true // the person fixed the password and forced a run
	mustRecord(t, th, site, authResult(transcript.Pass, 0))
	th.Force = false
	if err := th.Check(site); err != nil {
		t.Errorf("after a successful AUTH: %v", err)
	}
}

// TestThrottlePassWritesNothingNew: an accepted AUTH with no failure to
// clear leaves the state as it is (no file created, none rewritten), so a
// passing submission probe ends without an fsync'd write.
func TestThrottlePassWritesNothingNew(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	dir := t.TempDir()
	th := &Throttle{Path: filepath.Join(dir, "state", ThrottleFile), Now: func() time.Time { return now }}
	site, other := testSite(587), testSite(2525)
	mustRecord(t, th, site, authResult(transcript.Pass, 0))
	if _, err := os.Stat(th.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("state written after a plain pass: %v", err)
	}
	mustRecord(t, th, other, authResult(transcript.Fail, 535))
	before, err := os.Stat(th.Path)
	if err != nil {
		t.Fatal(err)
	}
	mustRecord(t, th, site, authResult(transcript.Pass, 0)) // another mailbox: nothing to clear
	after, err := os.Stat(th.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("state rewritten by a pass that had nothing to clear")
	}
	if err := th.Check(other); err == nil {
		t.Error("the other mailbox's failure was lost")
	}
}

// TestThrottleSeesOtherWriters: the state a Throttle keeps in memory is
// re-read when another process (another Throttle on the same file) has
// replaced the file since.
func TestThrottleSeesOtherWriters(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	path := filepath.Join(t.TempDir(), ThrottleFile)
	clock := func() time.Time { return now }
	a, b := &Throttle{Path: path, Now: clock}, &Throttle{Path: path, Now: clock}
	site := testSite(587)
	mustRecord(t, a, site, authResult(transcript.Fail, 535))
	if err := b.Check(site); err == nil {
		t.Fatal("the other process does not see the failure")
	}
	b.Force = true
	mustRecord(t, b, site, authResult(transcript.Pass, 0)) // fixed and forced elsewhere
	if err := a.Check(site); err != nil {
		t.Errorf("still throttled after another process cleared the mailbox: %v", err)
	}
}

func TestThrottleDamagedState(t *testing.T) {
	path := filepath.Join(t.TempDir(), ThrottleFile)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	th := &Throttle{Path: path}
	err := th.Check(testSite(587))
	if err == nil || errors.Is(err, ErrThrottled) || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("Check on a damaged state file = %v, want a 'damaged' error", err)
	}
	r := RunSite(context.Background(), testSite(refusedPort(t)), Options{Throttle: th, Golden: golden.Store{Dir: t.TempDir()}})
	if r.Status != StatusError || r.Verdict.Category != "config" || len(r.Transcript.Lines) != 0 {
		t.Errorf("site with a damaged state file: %s %s, %d lines; want an unprobed config error", r.Status, r.Verdict.Category, len(r.Transcript.Lines))
	}
}

func mustRecord(t *testing.T, th *Throttle, s *specs.Site, tr *transcript.Transcript) {
	t.Helper()
	if err := th.Record(s, tr); err != nil {
		t.Fatalf("Record: %v", err)
	}
}

// TestRunRespectsAuthFailureInterval: against a server that refuses every
// password, a run tries AUTH once per mailbox, even for several sites
// probing the same mailbox at once; the next run does not connect at all;
// --force does, once.
func TestRunRespectsAuthFailureInterval(t *testing.T) {
	pki := newPKI(t, "localhost")
	d := newSMTPD(pki.server())
	d.reply["AUTH"] = "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [X.prod.outlook.com]"
	srv := startServer(t, d.serve)
	dir := t.TempDir()
	th := &Throttle{Path: filepath.Join(dir, "cache", ThrottleFile)}
	opts := Options{Golden: golden.Store{Dir: dir}, Throttle: th, Probe: ProbeOptions{RootCAs: pki.pool}}
	sites := []*specs.Site{
		testSite(srv.port, func(s *specs.Site) { s.Name = "a" }),
		testSite(srv.port, func(s *specs.Site) { s.Name = "b" }),
		testSite(srv.port, func(s *specs.Site) { s.Name = "c" }),
	}
	authCommands := func() int {
		n := 0
		for _, l := range srv.received() {
			if strings.HasPrefix(l, "AUTH ") {
				n++
			}
		}
		return n
	}
	results := Run(context.Background(), sites, opts)
	if n := authCommands(); n != 1 {
		t.Fatalf("first run sent AUTH %d times, want once", n)
	}
	var failed, skipped int
	for _, r := range results {
		switch {
		case r.Status == StatusFail:
			failed++
		case errors.Is(r.Err, ErrThrottled):
			skipped++
			if r.Verdict.Category != "auth" || !strings.Contains(r.Verdict.Summary(), "not probed") {
				t.Errorf("skipped site verdict: %+v", r.Verdict)
			}
		}
	}
	if failed != 1 || skipped != 2 {
		t.Errorf("first run: %d failed, %d skipped; want 1 and 2", failed, skipped)
	}

	before := len(srv.received())
	r := RunSite(context.Background(), sites[0], opts)
	if !errors.Is(r.Err, ErrThrottled) || r.Status != StatusError || len(srv.received()) != before {
		t.Fatalf("second run: status %s, err %v, server got %d new lines; want a skip without connecting",
			r.Status, r.Err, len(srv.received())-before)
	}

	th.Force = true
	r = RunSite(context.Background(), sites[0], opts)
	if r.Status != StatusFail || authCommands() != 2 {
		t.Errorf("--force: status %s, %d AUTH commands in all; want a probe with one more AUTH", r.Status, authCommands())
	}
	state, err := os.ReadFile(th.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range transcript.SecretForms([]string{testPassword, testToken}) {
		if strings.Contains(string(state), secret) {
			t.Errorf("state file holds a secret form %q", secret)
		}
	}
	if !strings.Contains(string(state), testUser) {
		t.Errorf("state file does not name the mailbox:\n%s", state)
	}
}

func TestDefaultThrottlePath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if p, err := DefaultThrottlePath(env(map[string]string{"SMTPSPEC_CACHE_DIR": "/c"})); err != nil || p != filepath.Join("/c", ThrottleFile) {
		t.Errorf("SMTPSPEC_CACHE_DIR: %q %v", p, err)
	}
	if _, err := DefaultThrottlePath(env(nil)); err == nil {
		t.Error("no HOME and no cache folder: want an error")
	}
	p, err := DefaultThrottlePath(env(map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "/x"}))
	if err != nil || !strings.HasSuffix(p, filepath.Join("smtpspec", ThrottleFile)) {
		t.Errorf("HOME: %q %v", p, err)
	}
}
