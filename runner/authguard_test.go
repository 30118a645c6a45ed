package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

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
	th := &authguard.Guard{Path: filepath.Join(dir, "cache", authguard.File)}
	opts := Options{Golden: golden.Store{Dir: dir}, AuthGuard: th, Probe: ProbeOptions{RootCAs: pki.pool}}
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
		case errors.Is(r.Err, authguard.ErrRefused):
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
	if !errors.Is(r.Err, authguard.ErrRefused) || r.Status != StatusError || len(srv.received()) != before {
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

// TestAuthGuardDamagedState: a site whose AUTH-failure state cannot be
// read is not probed: an error verdict (config), no line sent.
func TestAuthGuardDamagedState(t *testing.T) {
	path := filepath.Join(t.TempDir(), authguard.File)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := RunSite(context.Background(), testSite(refusedPort(t)), Options{AuthGuard: &authguard.Guard{Path: path}, Golden: golden.Store{Dir: t.TempDir()}})
	if r.Status != StatusError || r.Verdict.Category != "config" || len(r.Transcript.Lines) != 0 {
		t.Errorf("site with a damaged state file: %s %s, %d lines; want an unprobed config error", r.Status, r.Verdict.Category, len(r.Transcript.Lines))
	}
}
