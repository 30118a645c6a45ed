package sim

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// FuzzSession feeds arbitrary client bytes to a session of each kind and
// requires that it neither panics nor hangs. The seeds run as a normal
// test; `go test -fuzz FuzzSession ./sim` explores further.
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		"EHLO x\r\nMAIL FROM:<a@contoso.com>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n",
		"EHLO x\r\nAUTH LOGIN\r\n*\r\nAUTH XOAUTH2\r\n=\r\nAUTH PLAIN AAAA\r\n",
		"HELO\r\nMAIL FROM:<>\r\nRCPT TO:<@>\r\nRCPT TO:<a@b> X\r\nDATA\r\n.\n.\r\n",
		"\xff\xfb\x01\x00\r\n\n\n\r\rRSET\r\nNOOP\r\nBDAT 10 LAST\r\n",
		"MAIL FROM:<a@b> SIZE=99999999999999999999\r\nmail from:<\r\nrcpt to:\r\n",
		"STARTTLS\r\n\x16\x03\x01\x00\x05hello",
	} {
		f.Add(uint8(0), []byte(seed))
		f.Add(uint8(9), []byte(seed))
	}
	ca, err := NewCA()
	if err != nil {
		f.Fatal(err)
	}
	leaf, err := ca.issueLeaf(nil, transcript.Submission, time.Now(), nil)
	if err != nil {
		f.Fatal(err)
	}
	all := Scenarios()
	f.Fuzz(func(t *testing.T, which uint8, input []byte) {
		sc := all[int(which)%len(all)]
		srv, err := NewServer(sc, Options{CA: ca, IdleTimeout: time.Second, StallLimit: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		srv.maxMessage = 1 << 16
		server, client := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer server.Close()
			newSession(srv, server, tlsConfig(sc, leaf), 1).run()
		}()
		go io.Copy(io.Discard, client) // drain replies so the session never blocks writing
		client.SetWriteDeadline(time.Now().Add(2 * time.Second))
		client.Write(input)
		client.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("session on %q did not end after the client closed", sc.Name)
		}
	})
}
