package sim

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// clientTimeout bounds every wait of the test client.
const clientTimeout = 5 * time.Second

// startServer runs sc on 127.0.0.1:0 until the test ends and returns the
// server and its address.
func startServer(t *testing.T, sc *Scenario, opts Options) (*Server, string) {
	t.Helper()
	srv, err := NewServer(sc, opts)
	if err != nil {
		t.Fatalf("NewServer(%s): %v", sc.Name, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(clientTimeout):
			t.Errorf("Serve did not return after Close")
		}
	})
	return srv, ln.Addr().String()
}

// startScenario starts the named scenario with test-sized limits.
func startScenario(t *testing.T, name string) (*Server, string) {
	t.Helper()
	sc, err := Find(name)
	if err != nil {
		t.Fatal(err)
	}
	return startServer(t, sc, Options{CA: testCA(t), IdleTimeout: clientTimeout})
}

// sharedCA is one CA (and so one RSA leaf key) for all tests: key
// generation is the slow part of starting a server.
var sharedCA = sync.OnceValues(NewCA)

func testCA(t *testing.T) *CA {
	t.Helper()
	ca, err := sharedCA()
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// client is a plain SMTP client: a net.Conn with textproto on top.
type client struct {
	t    *testing.T
	raw  net.Conn
	conn net.Conn // raw, or the TLS connection after starttls
	tp   *textproto.Conn
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, clientTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(4 * clientTimeout))
	return &client{t: t, raw: c, conn: c, tp: textproto.NewConn(c)}
}

// reply is one parsed server reply.
type reply struct {
	code  int
	lines []string // text after "NNN-" / "NNN "
}

func (r reply) text() string { return strings.Join(r.lines, "\n") }

// read reads one reply, failing the test on a read error.
func (c *client) read() reply {
	c.t.Helper()
	r, err := c.tryRead()
	if err != nil {
		c.t.Fatalf("read reply: %v", err)
	}
	return r
}

// tryRead reads one reply line by line, so the exact wire form is checked.
func (c *client) tryRead() (reply, error) {
	var r reply
	for i := 0; i < 100; i++ {
		line, err := c.tp.ReadLine()
		if err != nil {
			return r, err
		}
		if len(line) < 4 || (line[3] != ' ' && line[3] != '-') {
			return r, errors.New("malformed reply line: " + line)
		}
		r.code = atoi3(line[:3])
		r.lines = append(r.lines, line[4:])
		if line[3] == ' ' {
			return r, nil
		}
	}
	return r, errors.New("reply longer than 100 lines")
}

func atoi3(s string) int {
	n := 0
	for _, b := range []byte(s) {
		n = n*10 + int(b-'0')
	}
	return n
}

// cmd sends one line and reads the reply.
func (c *client) cmd(line string) reply {
	c.t.Helper()
	if err := c.tp.PrintfLine("%s", line); err != nil {
		c.t.Fatalf("send %q: %v", line, err)
	}
	return c.read()
}

// expect fails unless r has code and its text matches pattern.
func (c *client) expect(r reply, code int, pattern string) {
	c.t.Helper()
	if r.code != code || !regexp.MustCompile(pattern).MatchString(r.text()) {
		c.t.Fatalf("got %d %q, want %d matching %q", r.code, r.text(), code, pattern)
	}
}

// handshake upgrades to TLS with cfg (after the 220 to STARTTLS).
func (c *client) handshake(cfg *tls.Config) *tls.Conn {
	c.t.Helper()
	tc := tls.Client(c.raw, cfg)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("TLS handshake: %v", err)
	}
	c.conn, c.tp = tc, textproto.NewConn(tc)
	return tc
}

// expectClosed fails unless the server closes the connection (EOF or
// reset) without sending anything more.
func (c *client) expectClosed() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(clientTimeout))
	b, err := io.ReadAll(c.conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.t.Fatalf("server did not close the connection")
	}
	if len(b) > 0 {
		c.t.Fatalf("unexpected bytes before close: %q", b)
	}
}

// expectSilent fails if the server sends anything within d.
func (c *client) expectSilent(d time.Duration) {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 512)
	n, err := c.conn.Read(buf)
	var ne net.Error
	if n > 0 || !errors.As(err, &ne) || !ne.Timeout() {
		c.t.Fatalf("expected silence, got %q (err %v)", buf[:n], err)
	}
	c.conn.SetReadDeadline(time.Now().Add(4 * clientTimeout))
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// clientTLS trusts ca and verifies name.
func clientTLS(ca *CA, name string) *tls.Config {
	return &tls.Config{RootCAs: ca.Pool(), ServerName: name}
}
