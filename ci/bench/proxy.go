// Package bench holds smtpspec's performance harnesses: a latency-injecting
// TCP proxy for loopback (this file), the latency benchmark that runs
// smtpspec and swaks through it (latency_test.go, build tag "latency",
// run by latency.sh) and the fleet benchmark (fleet_test.go, build tag
// "fleet", run by fleet.sh). None of it runs in `go test ./...` except the
// proxy's smoke test. Everything listens on 127.0.0.1 only.
package bench

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// Proxy forwards TCP connections from a loopback listener to a target,
// delaying every chunk of bytes by half the round-trip time in each
// direction. It does in user space what `tc netem delay` does in the
// kernel (these machines have no netem), so it runs anywhere.
//
// The TCP handshake is emulated too: the kernel completes the client's
// connect at once, so the proxy opens the upstream connection only after
// 1.5 RTT (SYN, SYN-ACK and ACK each take half an RTT). A server that
// talks first, as SMTP does, is then heard 2 RTT after the client dialled,
// as on a real path. Bytes are delayed from when the proxy reads them:
// pipelined commands stay pipelined, and nothing is throttled (there is
// no bandwidth limit, only latency).
//
// The proxy ends each TCP connection, so the ACKs a server sees are the
// proxy's, sent at once (quickAck): a server's own Nagle wait for an ACK
// is not emulated, and neither is the kernel's delayed-ACK timer, which
// on loopback had made Postfix wait ~40 ms at one step of every probe.
type Proxy struct {
	ln     net.Listener
	target string
	oneWay time.Duration

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
	done   chan struct{}
	wg     sync.WaitGroup
}

// chunkQueue bounds the bytes in flight per direction (chunks of up to
// 32 KiB), so a fast sender cannot make the proxy buffer without limit.
const (
	chunkQueue = 256
	chunkSize  = 32 << 10
)

// NewProxy listens on a free 127.0.0.1 port and forwards to target
// ("host:port") with the given round-trip time.
func NewProxy(target string, rtt time.Duration) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("latency proxy: %w", err)
	}
	p := &Proxy{ln: ln, target: target, oneWay: rtt / 2, conns: map[net.Conn]struct{}{}, done: make(chan struct{})}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr is the proxy's listening address.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Close stops accepting, cuts every connection and waits for the
// forwarding goroutines to end.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.done)
		for c := range p.conns {
			c.Close()
		}
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			c.Close()
			return
		}
		p.wg.Add(1)
		go p.forward(c)
	}
}

// track registers c for Close; false once the proxy is closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// forward emulates the handshake, dials the target and pumps both ways.
func (p *Proxy) forward(client net.Conn) {
	defer p.wg.Done()
	defer p.untrack(client)
	if !waitUntil(time.Now().Add(3*p.oneWay), p.done) {
		return
	}
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		return // the client sees the connection close, as after a refusal
	}
	if !p.track(server) {
		server.Close()
		return
	}
	defer p.untrack(server)
	var both sync.WaitGroup
	both.Add(2)
	go func() { defer both.Done(); p.pump(server, client) }()
	go func() { defer both.Done(); p.pump(client, server) }()
	both.Wait()
}

// chunk is bytes read at a time; eof marks the end of the stream.
type chunk struct {
	b   []byte
	at  time.Time
	eof bool
}

// pump copies src to dst, each chunk written oneWay after it was read.
// The end of src becomes a half-close of dst, delayed the same way.
func (p *Proxy) pump(dst, src net.Conn) {
	q := make(chan chunk, chunkQueue)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, chunkSize)
			quickAck(src)
			n, err := src.Read(buf)
			if n > 0 {
				q <- chunk{b: buf[:n], at: time.Now()}
			}
			if err != nil {
				q <- chunk{eof: true, at: time.Now()}
				return
			}
		}
	}()
	failed := false
	for c := range q {
		if failed {
			continue // drain, so the reader is never stuck on a full queue
		}
		if !waitUntil(c.at.Add(p.oneWay), p.done) {
			failed = true
			continue
		}
		if c.eof {
			closeWrite(dst)
			continue
		}
		if _, err := dst.Write(c.b); err != nil {
			failed = true
			src.Close() // unblocks the reader: the stream is broken
		}
	}
}

// closeWrite half-closes a TCP connection (FIN), or closes another kind.
func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		return
	}
	_ = c.Close()
}

// timerSlack is how late a Go timer may fire. On an idle Linux machine
// the runtime's netpoller sleeps in whole milliseconds, so a timer wakes
// up to ~1 ms late: measured through this proxy at 25 ms RTT, that added
// 1.1-1.8 ms to every round trip (5-7%), to every tool alike.
const timerSlack = 2 * time.Millisecond

// waitUntil returns at t, to within a few µs on Linux: a Go timer covers
// all but the last timerSlack, preciseSleep the rest. It returns false at
// once when done is closed during the timer.
func waitUntil(t time.Time, done <-chan struct{}) bool {
	if d := time.Until(t) - timerSlack; d > 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-done:
			return false
		}
	}
	preciseSleep(time.Until(t))
	return true
}
