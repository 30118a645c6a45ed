package sim

import (
	"fmt"
	"net"
	"net/textproto"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// sessions is the number of live sessions.
func (s *Server) sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// eventually polls cond until it holds or d passes (a bounded wait, not
// an assertion by sleeping).
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stall scenarios say nothing, and end as soon as the client leaves.
func TestStallScenarios(t *testing.T) {
	for _, tt := range []struct {
		scenario string
		banner   bool
	}{
		{"ehlo-stall", true},
		{"no-banner", false},
	} {
		t.Run(tt.scenario, func(t *testing.T) {
			srv, addr := startScenario(t, tt.scenario)
			c := dial(t, addr)
			if tt.banner {
				c.expect(c.read(), 220, `Microsoft ESMTP MAIL Service ready`)
			}
			c.tp.PrintfLine("EHLO mfp-3f.contoso.local")
			c.expectSilent(200 * time.Millisecond)
			eventually(t, clientTimeout, "the session did not start", func() bool { return srv.sessions() == 1 })
			c.raw.Close()
			eventually(t, clientTimeout, "the stalled session outlived its client", func() bool { return srv.sessions() == 0 })
		})
	}
}

// A stall is bounded by StallLimit even if the client never leaves.
func TestStallLimit(t *testing.T) {
	sc, _ := Find("no-banner")
	_, addr := startServer(t, sc, Options{CA: testCA(t), StallLimit: 100 * time.Millisecond})
	start := time.Now()
	dial(t, addr).expectClosed()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stall lasted %s with a 100ms limit", d)
	}
}

// A client that says nothing is disconnected after IdleTimeout.
func TestIdleTimeout(t *testing.T) {
	sc, _ := Find("submission-ok")
	_, addr := startServer(t, sc, Options{CA: testCA(t), IdleTimeout: 100 * time.Millisecond})
	c := dial(t, addr)
	c.read()
	c.expectClosed()
}

// Close ends stalled and live sessions, returns promptly and leaves no
// goroutine behind.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	var clients []net.Conn
	var servers []*Server
	for _, name := range []string{"ehlo-stall", "no-banner", "submission-ok"} {
		sc, _ := Find(name)
		srv, err := NewServer(sc, Options{CA: testCA(t)})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(ln)
		servers = append(servers, srv)
		for i := 0; i < 3; i++ {
			c, err := net.DialTimeout("tcp", ln.Addr().String(), clientTimeout)
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, c)
		}
		eventually(t, clientTimeout, name+": sessions did not start", func() bool { return srv.sessions() == 3 })
	}
	// One session in the middle of TLS-protected AUTH.
	c := clients[len(clients)-1]
	tc := &client{t: t, raw: c, conn: c}
	tc.conn.SetDeadline(time.Now().Add(clientTimeout))
	tc.tp = textproto.NewConn(c)
	tc.read()
	tc.cmd("EHLO x")
	tc.cmd("STARTTLS")
	tc.handshake(clientTLS(servers[2].CA(), "localhost"))
	tc.cmd("EHLO x")
	tc.expect(tc.cmd("AUTH LOGIN"), 334, "")

	for _, srv := range servers {
		done := make(chan error, 1)
		go func() { done <- srv.Close() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Close: %v", err)
			}
		case <-time.After(clientTimeout):
			t.Fatal("Close did not return")
		}
	}
	for _, c := range clients {
		c.SetReadDeadline(time.Now().Add(clientTimeout))
		if n, err := c.Read(make([]byte, 1024)); err == nil && n > 0 {
			// A banner may have been in flight; the next read must see the close.
			if _, err := c.Read(make([]byte, 1024)); err == nil {
				t.Errorf("connection still open after Close")
			}
		}
		c.Close()
	}
	eventually(t, clientTimeout, "goroutines leaked", func() bool { return runtime.NumGoroutine() <= before })
	// Serve after Close does nothing and returns nil.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	if err := servers[0].Serve(ln); err != nil {
		t.Errorf("Serve after Close: %v", err)
	}
}

// Non-SMTP bytes (telnet negotiation, a PROXY header, unknown verbs) get
// the catalog's 500 5.3.3 and the session goes on.
func TestGarbageLines(t *testing.T) {
	_, addr := startScenario(t, "submission-ok")
	c := dial(t, addr)
	c.read()
	for _, line := range []string{
		"\xff\xfb\x1f\xff\xfb\x20", // telnet option negotiation
		"PROXY TCP4 192.0.2.1 127.0.0.1 56324 587",
		"Length: 2",
		"VRFY frontdesk",
		"",
		"\x00\x01\x02",
		strings.Repeat("A", maxLine-2), // the longest line that fits
	} {
		c.expect(c.cmd(line), 500, `^5\.3\.3 Unrecognized command 'unknown' `+subTrailer)
	}
	c.expect(c.cmd("NOOP"), 250, `^2\.0\.0 OK$`)
}

// Lines over 4 KiB are answered once and the connection is closed, in a
// command or inside AUTH, however much more the client sends.
func TestOverlongLines(t *testing.T) {
	for _, tt := range []struct {
		name   string
		prefix []string
		line   string
	}{
		{"one byte over", nil, strings.Repeat("A", maxLine-1)},
		{"1 MiB without newline", nil, strings.Repeat("B", 1<<20)},
		{"inside AUTH LOGIN", []string{"EHLO x", "STARTTLS", "EHLO x", "AUTH LOGIN"}, strings.Repeat("C", 8192)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, addr := startScenario(t, "submission-ok")
			c := dial(t, addr)
			c.read()
			for _, p := range tt.prefix {
				c.cmd(p)
				if p == "STARTTLS" {
					c.handshake(clientTLS(srv.CA(), "localhost"))
				}
			}
			go c.tp.PrintfLine("%s", tt.line) // the server may close before reading it all
			c.expect(c.read(), 500, `^5\.5\.2 Line too long$`)
			c.expectClosedAfterJunk()
		})
	}
}

// expectClosedAfterJunk waits for the close, tolerating a reset caused by
// unread input.
func (c *client) expectClosedAfterJunk() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(clientTimeout))
	buf := make([]byte, 512)
	for i := 0; i < 100; i++ {
		n, err := c.conn.Read(buf)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				c.t.Fatalf("server did not close the connection")
			}
			return
		}
		if n > 0 {
			c.t.Fatalf("unexpected bytes before close: %q", buf[:n])
		}
	}
}

// Over MaxSessions a connection gets 421 and is closed; the slot frees
// when a session ends.
func TestMaxSessions(t *testing.T) {
	sc, _ := Find("directsend-ok")
	srv, addr := startServer(t, sc, Options{CA: testCA(t), MaxSessions: 1})
	first := dial(t, addr)
	first.read()
	second := dial(t, addr)
	second.expect(second.read(), 421, `^4\.3\.2 Service not available, closing transmission channel$`)
	second.expectClosed()
	first.cmd("QUIT")
	eventually(t, clientTimeout, "the first session did not end", func() bool { return srv.sessions() == 0 })
	third := dial(t, addr)
	third.expect(third.read(), 220, `Microsoft ESMTP`)
}

// DATA: dot-stuffed lines, long lines and bare LF do not end the message;
// a message over the limit is refused with 552 and the connection closed.
func TestDataBounds(t *testing.T) {
	srv, addr := startScenario(t, "directsend-ok")
	srv.maxMessage = 64 << 10
	c := dial(t, addr)
	c.read()
	c.cmd("EHLO x")
	send := func(lines ...string) {
		for _, l := range lines {
			c.expect(c.cmd(l), map[bool]int{true: 354, false: 250}[l == "DATA"], "")
		}
	}
	send("MAIL FROM:<scanner@contoso.com>", "RCPT TO:<frontdesk@contoso.com>", "DATA")
	body := "Subject: x\r\n\r\n.\n..\r\n" + strings.Repeat("x", 10000) + "\r\n.."
	c.expect(c.cmd(body+"\r\n."), 250, `^2\.6\.0 <.*> \[InternalId=.*\] \d+ bytes in .* KB/sec Queued mail for delivery$`)

	send("MAIL FROM:<scanner@contoso.com>", "RCPT TO:<frontdesk@contoso.com>", "DATA")
	go c.tp.PrintfLine("%s\r\n.", strings.Repeat("y\r\n", 40000))
	c.expect(c.read(), 552, `^5\.3\.4 Message size exceeds fixed maximum message size$`)
	c.expectClosedAfterJunk()
}

// Pipelined commands (PIPELINING is advertised) and bare-LF lines are
// answered in order.
func TestPipeliningAndBareLF(t *testing.T) {
	_, addr := startScenario(t, "directsend-ok")
	c := dial(t, addr)
	c.read()
	fmt.Fprintf(c.conn, "EHLO x\nMAIL FROM:<scanner@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nRCPT TO:<b@fabrikam.com>\r\nRSET\r\n")
	for _, code := range []int{250, 250, 250, 550, 250} {
		if r := c.read(); r.code != code {
			t.Fatalf("got %d %q, want %d", r.code, r.text(), code)
		}
	}
}

// Credentials never reach the log or a reply, in any spelling.
func TestCredentialsNeverLoggedOrEchoed(t *testing.T) {
	const password, token = "Tr0ub4dor&3-secret", "eyJ0eXAiOiJKV1Qi.secret-token"
	var mu sync.Mutex
	var logs []string
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, fmt.Sprintf(format, args...))
	}
	sc, _ := Find("submission-basic-auth-retired")
	srv, addr := startServer(t, sc, Options{CA: testCA(t), Logf: logf})
	c := dial(t, addr)
	var replies []string
	rec := func(r reply) { replies = append(replies, r.text()) }
	rec(c.read())
	rec(c.cmd("EHLO x"))
	rec(c.cmd("STARTTLS"))
	c.handshake(clientTLS(srv.CA(), "localhost"))
	for _, line := range []string{
		"EHLO x",
		"AUTH LOGIN " + b64("scanner@contoso.com"), b64(password),
		"AUTH PLAIN " + b64("\x00scanner@contoso.com\x00"+password),
		"AUTH PLAIN", b64("\x00scanner@contoso.com\x00" + password),
		b64(password), password, // out of turn: unrecognized, never echoed
		"AUTH XOAUTH2 " + xoauth2("scanner@contoso.com", token),
	} {
		rec(c.cmd(line))
	}
	c.cmd("QUIT")
	srv.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(logs) < 10 {
		t.Fatalf("expected a log of the session, got %q", logs)
	}
	for _, secret := range []string{password, b64(password), token, xoauth2("scanner@contoso.com", token),
		b64("\x00scanner@contoso.com\x00" + password)} {
		for _, s := range append(logs, replies...) {
			if strings.Contains(s, secret) {
				t.Errorf("secret %q appears in %q", secret, s)
			}
		}
	}
}
