//go:build linux

package bench

import (
	"errors"
	"syscall"
	"time"
)

// preciseSleep sleeps d in the kernel (nanosleep), bypassing the Go
// runtime's timers and their millisecond granularity (waitUntil).
func preciseSleep(d time.Duration) {
	if d <= 0 {
		return
	}
	ts := syscall.NsecToTimespec(int64(d))
	for {
		var left syscall.Timespec
		err := syscall.Nanosleep(&ts, &left)
		if !errors.Is(err, syscall.EINTR) {
			return
		}
		ts = left // a signal (the runtime's preemption) cut it short
	}
}
