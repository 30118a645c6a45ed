//go:build linux

package mta

import (
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Bounds of every wait in this package: a daemon that does not come up
// or go away fails the test instead of hanging it.
const (
	startWait = 15 * time.Second
	stopWait  = 10 * time.Second
)

// logBuffer keeps what a daemon printed, bounded, for failure messages.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

const maxLog = 256 << 10

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := maxLog - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// daemon starts cmd in its own process group and stops it when the test
// ends: SIGTERM, a bounded wait, then SIGKILL to the whole group, so that
// no server outlives its test.
func daemon(t testing.TB, name string, cmd *exec.Cmd) *logBuffer {
	t.Helper()
	log := &logBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	// Pdeathsig: if the test binary dies without its cleanups (killed, or
	// a broken pipe), the daemon gets SIGTERM too and takes its children
	// with it, instead of running on.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	pgid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(stopWait):
			t.Errorf("%s did not stop within %s of SIGTERM; killed\n%s", name, stopWait, log)
		}
		// Anything left in the group (a child the daemon did not reap).
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	})
	return log
}

// waitListening waits until addr accepts TCP connections.
func waitListening(addr string, log *logBuffer) error {
	deadline := time.Now().Add(startWait)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening after %s: %v\n%s", addr, startWait, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort returns a loopback port nothing listens on now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
