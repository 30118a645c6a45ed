package authguard

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

const testUser = "scanner@contoso.test"

// testSite is a submission site with AUTH on 127.0.0.1:port, changed by
// mods: the guard reads only its endpoint and user name.
func testSite(port int, mods ...func(*specs.Site)) *specs.Site {
	s := &specs.Site{
		Name:     "printer",
		Method:   transcript.Submission,
		Endpoint: specs.Endpoint{Host: "127.0.0.1", Port: port, TLS: transcript.StartTLS},
		Auth:     &specs.Auth{Mechanism: "LOGIN", Username: testUser},
	}
	for _, m := range mods {
		m(s)
	}
	return s
}

// authResult is a transcript whose auth stage ended as given.
func authResult(status transcript.Status, code int) *transcript.Transcript {
	r := transcript.StageResult{Stage: transcript.Auth, Status: status}
	if code != 0 {
		r.Reply = &transcript.Reply{Code: code, Enhanced: "5.7.139", Lines: []string{"5.7.139 Authentication unsuccessful"}}
	}
	return &transcript.Transcript{Stages: []transcript.StageResult{r}}
}

func TestGuardInterval(t *testing.T) {
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
		{"until the interval has passed", authResult(transcript.Fail, 535), site, DefaultInterval + time.Second, false, false},
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
			th := &Guard{Path: filepath.Join(t.TempDir(), "state", File), Now: func() time.Time { return now }}
			if err := th.Record(site, tt.record); err != nil {
				t.Fatalf("Record: %v", err)
			}
			now = t0.Add(tt.after)
			th.Force = tt.force
			err := th.Check(tt.check)
			var te *Refused
			if got := errors.As(err, &te); got != tt.throttled {
				t.Fatalf("throttled = %v (%v), want %v", got, err, tt.throttled)
			}
			if tt.throttled {
				for _, want := range []string{testUser, "127.0.0.1:587", "535 5.7.139", "--force", t0.Add(DefaultInterval).Format(time.RFC3339)} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("message lacks %q: %v", want, err)
					}
				}
			}
		})
	}
}

func TestGuardSuccessClears(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	th := &Guard{Path: filepath.Join(t.TempDir(), File), Now: func() time.Time { return now }}
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
func TestGuardPassWritesNothingNew(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	dir := t.TempDir()
	th := &Guard{Path: filepath.Join(dir, "state", File), Now: func() time.Time { return now }}
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

// TestThrottleSeesOtherWriters: the state a Guard keeps in memory is
// re-read when another process (another Guard on the same file) has
// replaced the file since.
func TestGuardSeesOtherWriters(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	path := filepath.Join(t.TempDir(), File)
	clock := func() time.Time { return now }
	a, b := &Guard{Path: path, Now: clock}, &Guard{Path: path, Now: clock}
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

func TestGuardDamagedState(t *testing.T) {
	path := filepath.Join(t.TempDir(), File)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	th := &Guard{Path: path}
	err := th.Check(testSite(587))
	if err == nil || errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("Check on a damaged state file = %v, want a 'damaged' error", err)
	}
}

func mustRecord(t *testing.T, th *Guard, s *specs.Site, tr *transcript.Transcript) {
	t.Helper()
	if err := th.Record(s, tr); err != nil {
		t.Fatalf("Record: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if p, err := DefaultPath(env(map[string]string{"SMTPSPEC_CACHE_DIR": "/c"})); err != nil || p != filepath.Join("/c", File) {
		t.Errorf("SMTPSPEC_CACHE_DIR: %q %v", p, err)
	}
	if _, err := DefaultPath(env(nil)); err == nil {
		t.Error("no HOME and no cache folder: want an error")
	}
	p, err := DefaultPath(env(map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "/x"}))
	if err != nil || !strings.HasSuffix(p, filepath.Join("smtpspec", File)) {
		t.Errorf("HOME: %q %v", p, err)
	}
}
