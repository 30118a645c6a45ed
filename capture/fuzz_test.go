package capture

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// FuzzSession feeds arbitrary device bytes to a capture session of each
// persona and TLS mode and requires that it neither panics nor hangs,
// and that the findings and the spec can be made from whatever it
// recorded. The seeds run as a normal test; `go test -fuzz FuzzSession
// ./capture` explores further.
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		"EHLO x\r\nAUTH LOGIN\r\nc2Nhbm5lcg==\r\ncGFzcw==\r\nMAIL FROM:<a@contoso.com> SIZE=10\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\nFrom: a@contoso.com\r\n\r\nhi\r\n.\r\nQUIT\r\n",
		"EHLO x\r\nAUTH PLAIN AGEAYg==\r\nAUTH XOAUTH2 dXNlcj1hAWF1dGg9QmVhcmVyIGEuYi5jAQE=\r\nAUTH CRAM-MD5\r\nYSBi\r\nAUTH LOGIN\r\n*\r\n",
		"HELO\r\nMAIL FROM:<>\r\nRCPT TO:<@>\r\nDATA\r\n.\n.\r\nBDAT 5 LAST\r\nhello",
		"\x16\x03\x01\x00\x05hello",
		"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\nEHLO x\r\nSTARTTLS\r\n\x80\x2e\x01\x00\x02",
		"EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nBDAT 3\r\nabcBDAT x\r\n",
	} {
		f.Add(uint8(0), []byte(seed))
		f.Add(uint8(5), []byte(seed))
	}
	ca, err := NewCA(time.Now())
	if err != nil {
		f.Fatal(err)
	}
	modes := []transcript.TLSMode{transcript.StartTLS, transcript.Implicit, transcript.NoTLS}
	f.Fuzz(func(t *testing.T, which uint8, input []byte) {
		opts := Options{Persona: Personas[int(which)%2], TLSMode: modes[int(which/2)%3], CA: ca,
			Idle: 200 * time.Millisecond, Session: time.Second, EarlyWait: 10 * time.Millisecond, ExpectedPassword: []byte("pass")}
		if err := opts.defaults(); err != nil {
			t.Fatal(err)
		}
		srv := &Server{opts: opts, ca: ca, conns: map[net.Conn]struct{}{}, events: make(chan struct{}, 1)}
		server, client := net.Pipe()
		done := make(chan *Connection, 1)
		go func() {
			ss := newSession(srv, server, 1)
			ss.run()
			server.Close()
			done <- ss.rec
		}()
		go io.Copy(io.Discard, client) // drain replies so the session never blocks writing
		client.SetWriteDeadline(time.Now().Add(2 * time.Second))
		client.Write(input)
		client.Close()
		var rec *Connection
		select {
		case rec = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("a session did not end after the device closed")
		}
		rep := &Report{Persona: opts.Persona, TLSMode: opts.TLSMode, Connections: []*Connection{rec}}
		rep.Findings = findings(rep, opts)
		if _, err := Spec(rep, SpecOptions{Site: "fuzz", PasswordEnv: "P", TokenEnv: "T"}); err != nil {
			t.Fatalf("no spec from what was recorded: %v", err)
		}
	})
}
