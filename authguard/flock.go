//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package authguard

import (
	"errors"
	"os"
	"syscall"
)

// tryLockFile takes an exclusive flock(2) on f without blocking (the
// caller bounds the wait); ok is false when another open file holds it.
// flock locks belong to the open file, so two Throttles of one process
// exclude each other as two processes do.
func tryLockFile(f *os.File) (ok bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
		return false, nil
	}
	return false, err
}

// unlockFile releases f's lock; closing f would release it too.
func unlockFile(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
