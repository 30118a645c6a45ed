package authguard

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// stateLockWait bounds how long Record waits for another smtpspec process
// that is updating the same state file. An update is a read, a few
// entries and an atomic write, so a lock held this long belongs to a
// stopped process: Record gives up with an error (a run warning) rather
// than hang the run. (A variable only so that a test can shorten it.)
var stateLockWait = 10 * time.Second

// lockState takes the state file's advisory lock, so that the
// read-modify-write of Record in one process never overwrites an entry
// another process recorded in between (two CI jobs of the same machine
// finishing at once). The lock is on a sidecar file, <path>.lock, which is
// never replaced or removed: the state file itself is replaced by rename
// on every write, and a lock on a replaced inode would guard nothing.
// Readers (Check) need no lock, because the rename makes every read see
// one whole version. unlock releases the lock and closes the file.
func (th *Guard) lockState() (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(th.Path), 0o700); err != nil {
		return nil, fmt.Errorf("AUTH failure state: %w", err)
	}
	f, err := os.OpenFile(th.Path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("AUTH failure state lock: %w", err)
	}
	// Real time, not th.Now: a clock fixed by a test must not stop the wait.
	deadline := time.Now().Add(stateLockWait)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		ok, err := tryLockFile(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("AUTH failure state lock %s: %w", f.Name(), err)
		}
		if ok {
			return func() {
				unlockFile(f)
				f.Close()
			}, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("AUTH failure state %s: another smtpspec process held its lock for %s, so this run's AUTH result was not recorded",
				th.Path, stateLockWait)
		}
		time.Sleep(wait)
	}
}
