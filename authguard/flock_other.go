//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package authguard

import "os"

// tryLockFile has no advisory lock to take on this platform (syscall has
// no flock here; Windows would need LockFileEx from x/sys): two processes
// that update the state file at the same moment are last-writer-wins, as
// before the lock existed. The rename still keeps the file whole, and the
// Guard's mutex still orders the sites of one process.
func tryLockFile(*os.File) (ok bool, err error) { return true, nil }

func unlockFile(*os.File) {}
