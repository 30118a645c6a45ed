package capture

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// started is a capture running for a test on a loopback port.
type started struct {
	Addr string
	Port string
	CA   *CA
	done chan *Report
}

// start runs a capture on 127.0.0.1 for the test with short bounds.
func start(t *testing.T, opts Options) *started {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.CA == nil && opts.Certificate == nil {
		opts.CA = testCA(t)
	}
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.Grace == 0 {
		opts.Grace = 300 * time.Millisecond
	}
	if opts.EarlyWait == 0 {
		opts.EarlyWait = 200 * time.Millisecond
	}
	s := &started{Addr: ln.Addr().String(), CA: opts.CA, done: make(chan *Report, 1)}
	_, s.Port, _ = net.SplitHostPort(s.Addr)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		rep, err := Run(ctx, ln, opts)
		if err != nil {
			t.Errorf("capture: %v", err)
		}
		s.done <- rep
	}()
	return s
}

// report waits for the capture to end (bounded).
func (s *started) report(t *testing.T) *Report {
	t.Helper()
	select {
	case r := <-s.done:
		return r
	case <-time.After(60 * time.Second):
		t.Fatal("the capture did not end within 60s")
		return nil
	}
}

var sharedCA *CA

func testCA(t *testing.T) *CA {
	if sharedCA == nil {
		ca, err := NewCA(time.Now())
		if err != nil {
			t.Fatal(err)
		}
		sharedCA = ca
	}
	return sharedCA
}

// need stops the test unless the client program is installed: it skips
// locally and fails under CI, where .ci/run installs it (the
// internal/mta.Need pattern).
func need(t *testing.T, prog string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err == nil {
		return p
	}
	why := prog + " is not installed: apt-get install -y swaks msmtp curl openssl python3"
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI is set: this test must not skip)", why)
	}
	t.Skip(why)
	return ""
}

func dump(t *testing.T, rep *Report) string {
	b, _ := json.MarshalIndent(rep, "", "  ")
	return string(b)
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
