//go:build latency

package bench

import (
	"net"
	"testing"
	"time"
)

// proxyExcess measures what the proxy itself adds to a round trip at rtt,
// with an echo server behind it: the part of every tool's ratio that is
// the harness's, not the tool's (the median of 15 one-byte round trips on
// an open connection, so the emulated TCP handshake is left out).
func proxyExcess(t *testing.T, rtt time.Duration) time.Duration {
	target := serveOnce(t, time.Minute, func(c net.Conn) {
		b := make([]byte, 1)
		for {
			if _, err := c.Read(b); err != nil {
				return
			}
			if _, err := c.Write(b); err != nil {
				return
			}
		}
	})
	p, err := NewProxy(target, rtt)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute))
	b := make([]byte, 1)
	ping := func() time.Duration {
		start := time.Now()
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Read(b); err != nil {
			t.Fatal(err)
		}
		return time.Since(start) - rtt
	}
	ping() // the first also waits for the emulated handshake
	var d []time.Duration
	for range 15 {
		d = append(d, ping())
	}
	return median(d)
}
