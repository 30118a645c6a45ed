package bench

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// TestProxySmoke checks the proxy on loopback: bytes arrive intact and in
// order both ways, a reply takes at least one RTT, the server's greeting
// at least two (the emulated handshake), and a half-close crosses it.
// Lower bounds only: a slow machine can add time, never remove it.
func TestProxySmoke(t *testing.T) {
	target := serveOnce(t, 5*time.Second, func(c net.Conn) {
		c.Write([]byte("220 hello\r\n"))
		r := bufio.NewReader(c)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return // the client's half-close arrived
			}
			c.Write([]byte("250 " + l))
		}
	})
	const rtt = 40 * time.Millisecond
	p, err := NewProxy(target, rtt)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	start := time.Now()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	expect := func(want string, atLeast time.Duration, since time.Time) {
		t.Helper()
		got, err := r.ReadString('\n')
		if err != nil || got != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
		if el := time.Since(since); el < atLeast {
			t.Errorf("%q after %v, want at least %v", want, el, atLeast)
		}
	}
	expect("220 hello\r\n", 2*rtt, start)
	sent := time.Now()
	c.Write([]byte("EHLO a\r\nMAIL FROM:<a@b>\r\n")) // pipelined: both answered in one RTT
	expect("250 EHLO a\r\n", rtt, sent)
	expect("250 MAIL FROM:<a@b>\r\n", rtt, sent)
	c.(*net.TCPConn).CloseWrite()
	if _, err := r.ReadString('\n'); err == nil {
		t.Error("the server's close did not reach the client")
	}
}

// serveOnce listens on a free loopback port, hands the first connection
// to handle (with a deadline of d, and closed when handle returns) and
// returns the address; the listener closes when the test ends.
func serveOnce(t *testing.T, d time.Duration, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(d))
		handle(c)
	}()
	return ln.Addr().String()
}
