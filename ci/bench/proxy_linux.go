//go:build linux

package bench

import (
	"errors"
	"net"
	"syscall"
	"time"
)

// spinWindow is the end of each delay that preciseSleep busy-waits
// instead of sleeping. nanosleep wakes a normal thread up to its timer
// slack (50 µs) late, and the goroutine then needs a P again: measured,
// the proxy wrote each chunk 109 µs (median) after its time, ~0.22 ms
// per round trip for every tool. Spinning the last 150 µs brings that
// to a few µs, for ~0.3 ms of CPU per round trip.
const spinWindow = 150 * time.Microsecond

// preciseSleep returns d from now: nanosleep (bypassing the Go runtime's
// millisecond-grained timers, waitUntil) until spinWindow before, then a
// busy wait on the monotonic clock.
func preciseSleep(d time.Duration) {
	end := time.Now().Add(d)
	if s := d - spinWindow; s > 0 {
		ts := syscall.NsecToTimespec(int64(s))
		for {
			var left syscall.Timespec
			err := syscall.Nanosleep(&ts, &left)
			if !errors.Is(err, syscall.EINTR) {
				break
			}
			ts = left // a signal (the runtime's preemption) cut it short
		}
	}
	for time.Now().Before(end) {
	}
}

// quickAck asks the kernel to acknowledge what arrives on c at once
// (TCP_QUICKACK; Linux turns it off again by itself, so it is set before
// every read). The proxy ends each TCP connection, so its acknowledgements
// are all a server ever sees: left to the kernel's delayed-ACK timer (up
// to 40 ms on loopback), a server that holds a small reply until its
// previous segment is acknowledged (Nagle's algorithm; Postfix after the
// TLS 1.3 session ticket it sends before the EHLO reply) waited that
// timer, which no round-trip time explains: measured, it added 1.7 RTT at
// 25 ms to smtpspec and ~1 RTT to swaks against Postfix.
func quickAck(c net.Conn) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
