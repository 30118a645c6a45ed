package runner

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// peerWait bounds every wait of the test server: a broken client can
// never hang a test.
const peerWait = 5 * time.Second

// testServer is a scripted SMTP peer on 127.0.0.1:0. Each connection runs
// script; what the client sent is kept for the test to check.
type testServer struct {
	t    *testing.T
	ln   net.Listener
	port int
	done chan struct{} // closed at cleanup: stalls end

	mu    sync.Mutex
	got   []string // every line received, in order
	conns []net.Conn
	wg    sync.WaitGroup
}

func startServer(t *testing.T, script func(p *peer)) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	srv := &testServer{t: t, ln: ln, port: ln.Addr().(*net.TCPAddr).Port, done: make(chan struct{})}
	srv.wg.Add(1)
	go srv.accept(script)
	t.Cleanup(srv.close)
	return srv
}

func (srv *testServer) accept(script func(p *peer)) {
	defer srv.wg.Done()
	for {
		conn, err := srv.ln.Accept()
		if err != nil {
			return
		}
		srv.mu.Lock()
		srv.conns = append(srv.conns, conn)
		srv.mu.Unlock()
		srv.wg.Add(1)
		go func() {
			defer srv.wg.Done()
			defer conn.Close()
			script(&peer{srv: srv, conn: conn, r: bufio.NewReader(conn)})
		}()
	}
}

func (srv *testServer) close() {
	close(srv.done)
	srv.ln.Close()
	srv.mu.Lock()
	for _, c := range srv.conns {
		c.Close()
	}
	srv.mu.Unlock()
	srv.wg.Wait()
}

// received returns the lines the server read so far.
func (srv *testServer) received() []string {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return append([]string(nil), srv.got...)
}

// peer is one connection of the test server, seen from the script.
type peer struct {
	srv  *testServer
	conn net.Conn
	r    *bufio.Reader
}

// send writes each line with CRLF.
func (p *peer) send(lines ...string) {
	for _, l := range lines {
		p.raw([]byte(l + "\r\n"))
	}
}

// raw writes bytes as they are.
func (p *peer) raw(b []byte) {
	_ = p.conn.SetWriteDeadline(time.Now().Add(peerWait))
	_, _ = p.conn.Write(b)
}

// line reads one line (CRLF stripped) and keeps it; false at EOF.
func (p *peer) line() (string, bool) {
	_ = p.conn.SetReadDeadline(time.Now().Add(peerWait))
	l, err := p.r.ReadString('\n')
	if err != nil {
		return "", false
	}
	l = strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r")
	p.srv.mu.Lock()
	p.srv.got = append(p.srv.got, l)
	p.srv.mu.Unlock()
	return l, true
}

// stall reads and discards until the client goes away, the test ends or
// peerWait passes: a server that never answers.
func (p *peer) stall() {
	go func() {
		select {
		case <-p.srv.done:
		case <-time.After(peerWait):
		}
		p.conn.Close()
	}()
	_, _ = io.Copy(io.Discard, p.conn)
}

// startTLS upgrades the connection to TLS as a server.
func (p *peer) startTLS(cfg *tls.Config) bool {
	tc := tls.Server(p.conn, cfg)
	_ = tc.SetDeadline(time.Now().Add(peerWait))
	if err := tc.Handshake(); err != nil {
		return false
	}
	_ = tc.SetDeadline(time.Time{})
	p.conn, p.r = tc, bufio.NewReader(tc)
	return true
}

// smtpd is a small well-behaved SMTP server for the scripts: a default
// reply for every verb, overridable per test.
type smtpd struct {
	banner  string
	ehlo    []string          // EHLO reply before TLS (and after, when ehloTLS is nil)
	ehloTLS []string          // EHLO reply after STARTTLS
	tls     *tls.Config       // nil: STARTTLS refused
	reply   map[string]string // verb -> reply line(s), "\r\n"-separated; "": close without a reply
	rcpt    func(addr string) string
	// stallOn is a verb the server never answers: when it arrives,
	// stalled is closed (if set) and the connection goes silent.
	stallOn   string
	stalled   chan struct{}
	stallOnce sync.Once

	mu   sync.Mutex
	auth []string // decoded AUTH payloads, in order
	msgs []string // message bodies received
}

func newSMTPD(cfg *tls.Config) *smtpd {
	return &smtpd{
		banner:  "220 test.local Microsoft ESMTP MAIL Service ready",
		ehlo:    []string{"250-test.local Hello [127.0.0.1]", "250-SIZE 157286400", "250-PIPELINING", "250-STARTTLS", "250 8BITMIME"},
		ehloTLS: []string{"250-test.local Hello [127.0.0.1]", "250-SIZE 157286400", "250-AUTH LOGIN XOAUTH2", "250 8BITMIME"},
		tls:     cfg,
		reply:   map[string]string{},
	}
}

// serve greets and runs d's dialogue on p until QUIT, EOF or a 421.
func (d *smtpd) serve(p *peer) {
	p.send(d.banner)
	if !strings.HasPrefix(d.banner, "421") {
		d.dialogue(p)
	}
}

// dialogue answers commands until QUIT, EOF or a 421.
func (d *smtpd) dialogue(p *peer) {
	secure := false
	for {
		l, ok := p.line()
		if !ok {
			return
		}
		verb, arg, _ := strings.Cut(l, " ")
		verb = strings.ToUpper(verb)
		if d.stallOn != "" && verb == d.stallOn {
			if d.stalled != nil {
				d.stallOnce.Do(func() { close(d.stalled) })
			}
			p.stall()
			return
		}
		if r, ok := d.reply[verb]; ok {
			if r == "" {
				return
			}
			p.send(r)
			if strings.HasPrefix(r, "421") {
				return
			}
			continue
		}
		switch verb {
		case "EHLO":
			if secure {
				p.send(d.ehloTLS...)
			} else {
				p.send(d.ehlo...)
			}
		case "STARTTLS":
			if d.tls == nil {
				p.send("454 4.7.0 TLS not available")
				continue
			}
			p.send("220 2.0.0 SMTP server ready")
			if !p.startTLS(d.tls) {
				return
			}
			secure = true
		case "AUTH":
			d.authenticate(p, arg)
		case "MAIL":
			p.send("250 2.1.0 Sender OK")
		case "RCPT":
			r := "250 2.1.5 Recipient OK"
			if d.rcpt != nil {
				r = d.rcpt(strings.TrimSuffix(strings.TrimPrefix(arg, "TO:<"), ">"))
			}
			p.send(r)
		case "DATA":
			p.send("354 Start mail input; end with <CRLF>.<CRLF>")
			d.receive(p)
		case "RSET":
			p.send("250 2.0.0 Resetting")
		case "QUIT":
			p.send("221 2.0.0 Service closing transmission channel")
			return
		default:
			p.send("500 5.3.3 Unrecognized command")
		}
	}
}

// authenticate runs the server side of LOGIN, PLAIN and XOAUTH2 and keeps
// the decoded payloads.
func (d *smtpd) authenticate(p *peer, arg string) {
	mech, initial, _ := strings.Cut(arg, " ")
	var payloads []string
	switch strings.ToUpper(mech) {
	case "LOGIN":
		for _, prompt := range []string{"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6"} {
			p.send(prompt)
			l, ok := p.line()
			if !ok {
				return
			}
			payloads = append(payloads, decode(l))
		}
	case "PLAIN", "XOAUTH2":
		payloads = append(payloads, decode(initial))
	default:
		p.send("504 5.7.4 Unrecognized authentication type")
		return
	}
	d.mu.Lock()
	d.auth = append(d.auth, payloads...)
	d.mu.Unlock()
	p.send("235 2.7.0 Authentication successful")
}

// receive reads a message up to the "." line, undoing dot-stuffing.
func (d *smtpd) receive(p *peer) {
	var b strings.Builder
	for {
		l, ok := p.line()
		if !ok {
			return
		}
		if l == "." {
			break
		}
		b.WriteString(strings.TrimPrefix(l, ".") + "\r\n")
	}
	d.mu.Lock()
	d.msgs = append(d.msgs, b.String())
	d.mu.Unlock()
	p.send("250 2.6.0 <token@smtpspec.invalid> Queued mail for delivery")
}

func decode(s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "undecodable: " + s
	}
	return string(b)
}

func (d *smtpd) authPayloads() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.auth...)
}

func (d *smtpd) messages() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.msgs...)
}

// refusedPort returns a loopback port nothing listens on.
func refusedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
