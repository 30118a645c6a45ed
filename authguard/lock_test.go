//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package authguard

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// Each writer records this many AUTH failures, one mailbox each: enough
// interleaving that an unlocked read-modify-write loses entries.
const lockWrites = 40

// recordMailboxes records an AUTH failure for mailboxes prefix0... with th.
func recordMailboxes(th *Guard, prefix string, n int) error {
	for i := range n {
		s := testSite(587, func(s *specs.Site) { s.Auth.Username = fmt.Sprintf("%s%d@contoso.test", prefix, i) })
		if err := th.Record(s, authResult(transcript.Fail, 535)); err != nil {
			return fmt.Errorf("Record %s%d: %w", prefix, i, err)
		}
	}
	return nil
}

// assertAllThrottled checks that a fresh Guard on path sees every
// mailbox the writers recorded.
func assertAllThrottled(t *testing.T, path string, prefixes []string) {
	t.Helper()
	th := &Guard{Path: path}
	var lost []string
	for _, p := range prefixes {
		for i := range lockWrites {
			user := fmt.Sprintf("%s%d@contoso.test", p, i)
			if !errors.Is(th.Check(testSite(587, func(s *specs.Site) { s.Auth.Username = user })), ErrRefused) {
				lost = append(lost, user)
			}
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d AUTH failures lost by concurrent writers: %v", len(lost), len(prefixes)*lockWrites, lost)
	}
}

// TestThrottleConcurrentStores: two Throttles on one state file, as two
// processes have, write at the same time; the file lock makes each
// update a read-modify-write of the latest state, so no entry is lost.
// (flock locks belong to the open file, so the two stores exclude each
// other exactly as two processes do.)
func TestThrottleConcurrentStores(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache", File)
	prefixes := []string{"a", "b", "c"}
	var wg sync.WaitGroup
	errs := make([]error, len(prefixes))
	for i, p := range prefixes {
		wg.Go(func() { errs[i] = recordMailboxes(&Guard{Path: path}, p, lockWrites) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	assertAllThrottled(t, path, prefixes)
}

// throttleHelperEnv makes the test binary a writer process (see
// TestThrottleConcurrentProcesses): its value is "PATH PREFIX".
const throttleHelperEnv = "SMTPSPEC_THROTTLE_WRITER"

// TestThrottleConcurrentProcesses: two smtpspec-like processes record
// AUTH failures into one state file at once; every entry survives.
func TestThrottleConcurrentProcesses(t *testing.T) {
	if v := os.Getenv(throttleHelperEnv); v != "" {
		path, prefix, _ := strings.Cut(v, " ")
		if err := recordMailboxes(&Guard{Path: path}, prefix, lockWrites); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "cache", File)
	prefixes := []string{"p", "q"}
	var cmds []*exec.Cmd
	outs := make([]strings.Builder, len(prefixes))
	for i, p := range prefixes {
		cmd := exec.Command(os.Args[0], "-test.run=^TestThrottleConcurrentProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), throttleHelperEnv+"="+path+" "+p)
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		cmd.WaitDelay = 5 * time.Second
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("writer %s: %v\n%s", prefixes[i], err, outs[i].String())
			}
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			t.Fatalf("writer %s did not finish within a minute", prefixes[i])
		}
	}
	assertAllThrottled(t, path, prefixes)
}

// TestThrottleLockHeld: a lock another process keeps holding delays
// Record only up to stateLockWait; Record then says so, and the state
// file is left as it was.
func TestThrottleLockHeld(t *testing.T) {
	defer func(d time.Duration) { stateLockWait = d }(stateLockWait)
	stateLockWait = 100 * time.Millisecond
	path := filepath.Join(t.TempDir(), File)
	th := &Guard{Path: path}
	if err := recordMailboxes(th, "kept", 1); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := os.OpenFile(path+".lock", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if err := syscall.Flock(int(holder.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	err = recordMailboxes(th, "late", 1)
	if err == nil || !strings.Contains(err.Error(), "held its lock") || !strings.Contains(err.Error(), "not recorded") {
		t.Fatalf("Record with the lock held elsewhere = %v, want a 'held its lock ... not recorded' error", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("state changed while the lock was held elsewhere:\n%s", after)
	}
	if err := syscall.Flock(int(holder.Fd()), syscall.LOCK_UN); err != nil {
		t.Fatal(err)
	}
	if err := recordMailboxes(th, "late", 1); err != nil {
		t.Errorf("Record once the lock is free: %v", err)
	}
	if fi, err := os.Stat(path + ".lock"); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file mode %v, want 0600", fi.Mode().Perm())
	}
}
