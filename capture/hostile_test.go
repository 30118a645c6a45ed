package capture

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// A hostile or broken "device" gets a bounded, recorded failure: never a
// hang, a panic or unbounded memory. Every loop here is bounded in count
// and every wait in time.

// rawClient is a device written by hand.
type rawClient struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, s *started) *rawClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { c.Close() })
	return &rawClient{t: t, c: c, r: bufio.NewReader(c)}
}

// reply reads one whole reply and returns its last line.
func (rc *rawClient) reply() string {
	rc.t.Helper()
	for i := 0; i < 50; i++ {
		l, err := rc.r.ReadString('\n')
		if err != nil {
			return "error: " + err.Error()
		}
		if len(l) < 4 || l[3] != '-' {
			return strings.TrimRight(l, "\r\n")
		}
	}
	return "error: reply too long"
}

func (rc *rawClient) say(line string) string {
	rc.t.Helper()
	rc.c.Write([]byte(line + "\r\n"))
	return rc.reply()
}

func TestHostileDevices(t *testing.T) {
	cases := []struct {
		name  string
		opts  Options
		play  func(t *testing.T, s *started)
		check func(t *testing.T, rep *Report, c *Connection)
	}{
		{name: "garbage instead of a ClientHello",
			play: func(t *testing.T, s *started) {
				rc := dial(t, s)
				rc.reply()
				rc.say("EHLO mfp")
				rc.say("STARTTLS")
				// A credential where the handshake should be: it must not be quoted.
				rc.c.Write([]byte("AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00"+tUser+"\x00"+tSecret)) + "\r\n"))
				rc.reply()
			},
			check: func(t *testing.T, rep *Report, c *Connection) {
				want(t, c.TLS != nil && c.TLS.NotHello != "" && strings.Contains(c.TLS.NotHello, `"AUTH"`), "garbage recorded by its first word, got %+v", c.TLS)
				hasFinding(t, rep, "tls-not-hello")
			}},
		{name: "SSL 2.0 hello",
			play: func(t *testing.T, s *started) {
				rc := dial(t, s)
				rc.reply()
				rc.say("EHLO mfp")
				rc.say("STARTTLS")
				rc.c.Write([]byte{0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15})
				rc.reply()
			},
			check: func(t *testing.T, rep *Report, c *Connection) {
				want(t, c.TLS != nil && strings.Contains(c.TLS.NotHello, "SSL 2.0"), "an SSL 2.0 hello, got %+v", c.TLS)
			}},
		{name: "a line that never ends",
			play: func(t *testing.T, s *started) {
				rc := dial(t, s)
				rc.reply()
				rc.c.Write([]byte("EHLO " + strings.Repeat("x", 100<<10)))
				if r := rc.reply(); !strings.HasPrefix(r, "500 5.5.2") {
					t.Errorf("want 500 5.5.2 Line too long, got %q", r)
				}
			},
			check: func(t *testing.T, rep *Report, c *Connection) {
				want(t, c.End == "line too long", "the connection ended for the line, got %q", c.End)
			}},
		{name: "a 10 MB AUTH blob",
			play: func(t *testing.T, s *started) {
				rc := dial(t, s)
				rc.reply()
				rc.say("EHLO mfp")
				rc.say("STARTTLS") // the blob comes inside TLS, where a real password would
				tc := tls.Client(rc.c, &tls.Config{InsecureSkipVerify: true})
				rc.r = bufio.NewReader(tc)
				rc.c = tc
				rc.say("EHLO mfp")
				rc.say("AUTH LOGIN")
				chunk := []byte(strings.Repeat("QUFBQUFB", 128<<10)) // 1 MiB of base64
				var werr error
				for i := 0; i < 10 && werr == nil; i++ {
					_, werr = tc.Write(chunk)
				}
				if werr == nil {
					rc.reply()
				}
			},
			check: func(t *testing.T, rep *Report, c *Connection) {
				want(t, c.End == "line too long", "the blob ended the connection, got %q", c.End)
				want(t, len(c.Auth) == 1 && strings.HasPrefix(c.Auth[0].Outcome, "no response"), "the AUTH recorded without a response, got %+v", c.Auth)
			}},
		{name: "slowloris", opts: Options{Idle: 2 * time.Second, Session: time.Second},
			play: func(t *testing.T, s *started) {
				rc := dial(t, s)
				rc.reply()
				for i := 0; i < 100; i++ { // at most 10s; the capture cuts it off after 1s
					if _, err := rc.c.Write([]byte("E")); err != nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
				t.Error("the capture let a device drip bytes for 10s")
			},
			check: func(t *testing.T, rep *Report, c *Connection) {
				want(t, c.End == "session limit", "the session limit ended it, got %q", c.End)
			}},
		{name: "a silent device", opts: Options{Idle: 300 * time.Millisecond},
			play: func(t *testing.T, s *started) {
				rc := dial(t, s)
				rc.reply()
				rc.reply() // the capture closes it
			},
			check: func(t *testing.T, rep *Report, c *Connection) {
				want(t, c.End == "idle timeout", "the idle timeout ended it, got %q", c.End)
			}},
		{name: "a PROXY header before the banner",
			play: func(t *testing.T, s *started) {
				rc := dial(t, s)
				rc.c.Write([]byte("PROXY TCP4 192.0.2.1 192.0.2.2 1234 587\r\n"))
				rc.reply() // banner
				if r := rc.reply(); !strings.HasPrefix(r, "500 5.3.3") {
					t.Errorf("want Exchange Online's 500 5.3.3, got %q", r)
				}
				rc.say("QUIT")
			},
			check: func(t *testing.T, rep *Report, c *Connection) {
				want(t, strings.Contains(c.Early, "PROXY"), "the PROXY header recorded, got %q", c.Early)
				hasFinding(t, rep, "sent-before-banner")
			}},
		{name: "a credential as a command",
			play: func(t *testing.T, s *started) {
				rc := dial(t, s)
				rc.reply()
				rc.say(tSecret)
				rc.say("QUIT")
			},
			check: func(t *testing.T, rep *Report, c *Connection) {
				want(t, len(c.Problems) == 1 && strings.Contains(c.Problems[0], "unrecognized"), "one unrecognized command, got %v", c.Problems)
			}},
		{name: "MAIL FROM over SIZE, then BDAT",
			play: func(t *testing.T, s *started) {
				rc := dial(t, s)
				rc.reply()
				rc.say("EHLO mfp")
				if r := rc.say("MAIL FROM:<a@contoso.com> SIZE=999999999"); !strings.HasPrefix(r, "552 5.3.4") {
					t.Errorf("want 552 5.3.4, got %q", r)
				}
				rc.say("MAIL FROM:<a@contoso.com> BODY=8BITMIME")
				rc.say("RCPT TO:<b@contoso.com>")
				msg := "From: a@contoso.com\r\nSubject: chunked\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n"
				rc.c.Write([]byte("BDAT 10\r\n" + msg[:10]))
				rc.reply()
				rc.c.Write([]byte("BDAT " + itoa(len(msg)-10) + " LAST\r\n" + msg[10:]))
				if r := rc.reply(); !strings.Contains(r, "Queued mail for delivery") {
					t.Errorf("want the end of data reply, got %q", r)
				}
				rc.say("QUIT")
			},
			check: func(t *testing.T, rep *Report, c *Connection) {
				m := c.Transactions[1].Message
				want(t, m != nil && m.Via == "BDAT" && m.Subject == "chunked" && m.Attachments == 1, "the BDAT message analysed, got %+v", m)
				hasFinding(t, rep, "bdat")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			log := logs(&opts)
			s := start(t, opts)
			began := time.Now()
			tc.play(t, s)
			rep := s.report(t)
			if d := time.Since(began); d > 30*time.Second {
				t.Errorf("took %s", d)
			}
			if len(rep.Connections) != 1 {
				t.Fatalf("want one connection, got %d", len(rep.Connections))
			}
			tc.check(t, rep, rep.Connections[0])
			noSecret(t, everyOutput(t, rep, log.String()), tUser, tSecret)
			if t.Failed() {
				t.Log(dump(t, rep))
			}
		})
	}
}

func itoa(n int) string { return sprintf("%d", n) }

// TestManyConnectionsAtOnce: past Parallel at once, devices get 421 and
// are counted, and the capture still ends.
func TestManyConnectionsAtOnce(t *testing.T) {
	s := start(t, Options{Parallel: 2, Connections: 5, Idle: time.Second})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
			if err != nil {
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			bufio.NewReader(c).ReadString('\n')
			time.Sleep(200 * time.Millisecond)
		}()
	}
	wg.Wait()
	rep := s.report(t)
	if len(rep.Connections) > 5 || rep.Refused < 15 || len(rep.Connections)+rep.Refused != 20 {
		t.Errorf("want at most 5 recorded and the rest refused, got %d recorded, %d refused", len(rep.Connections), rep.Refused)
	}
	hasFinding(t, rep, "connections-refused")
}

// TestCaptureEnds: by timeout with no device, and by cancellation in the
// middle of a session, with what was seen recorded.
func TestCaptureEnds(t *testing.T) {
	s := start(t, Options{Timeout: 300 * time.Millisecond})
	rep := s.report(t)
	if rep.EndReason != EndTimeout || len(rep.Connections) != 0 {
		t.Errorf("want a timeout with no connection, got %q, %d", rep.EndReason, len(rep.Connections))
	}
	hasFinding(t, rep, "no-connection")

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *Report, 1)
	go func() {
		r, _ := Run(ctx, ln, Options{CA: testCA(t), EarlyWait: time.Millisecond})
		done <- r
	}()
	rc := dial(t, &started{Addr: ln.Addr().String()})
	rc.reply()
	rc.say("EHLO mfp-cancelled")
	cancel()
	select {
	case rep = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled capture did not end")
	}
	if rep.EndReason != EndCancelled || len(rep.Connections) != 1 || rep.Connections[0].HeloName != "mfp-cancelled" {
		t.Errorf("want the cancelled session recorded, got %q %+v", rep.EndReason, rep.Connections)
	}
}

// TestLeafNamesAreBounded: a new SNI on every connection cannot make the
// CA sign without end.
func TestLeafNamesAreBounded(t *testing.T) {
	ca, _ := NewCA(time.Now())
	for i := 0; i < 40; i++ {
		if _, err := ca.leaf(sprintf("host%d.example", i), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if len(ca.leaves) > maxLeaves {
		t.Errorf("%d leaves signed, want at most %d", len(ca.leaves), maxLeaves)
	}
}

// TestSwappedFields: a device that sends the password as the username is
// told so, and the password is shown nowhere, the spec included.
func TestSwappedFields(t *testing.T) {
	opts := Options{ExpectedPassword: []byte(tSecret), ExpectedEnv: "SCANNER_PASSWORD"}
	log := logs(&opts)
	s := start(t, opts)
	rc := dial(t, s)
	rc.reply()
	rc.say("EHLO mfp")
	b64 := base64.StdEncoding.EncodeToString
	rc.say("AUTH LOGIN " + b64([]byte(tSecret)))
	rc.say(b64([]byte(tUser)))
	rc.say("MAIL FROM:<" + tUser + ">")
	rc.say("RCPT TO:<frontdesk@contoso.com>")
	rc.say("QUIT")
	rep := s.report(t)
	hasFinding(t, rep, "username-is-password")
	noSecret(t, everyOutput(t, rep, log.String()), tUser, tSecret)
}
