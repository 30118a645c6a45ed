//go:build linux

package integration

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/mta"
)

// exoShape is a scripted SMTP server that answers with the shapes of the
// replies Exchange Online is seen sending in public logs and bounces
// (golden/testdata/volatile-lines.txt has them with their sources), every
// volatile part made up again per connection and per message. It is
// written apart from the simulator and its reply catalog on purpose: a
// second, independent peer for the normaliser, which must hold the golden
// whatever it varies.
type exoShape struct {
	ln    net.Listener
	tls   *tls.Config
	certs *mta.Certs

	mu  sync.Mutex
	cfg exoConfig
	raw []string // every reply line sent, for the tests' evidence
}

// exoConfig is what the end of DATA (and RCPT) answers.
type exoConfig struct {
	// Data is the end-of-DATA answer: "queued" (250 2.6.0 with InternalId,
	// Hostname, size, time and rate), "queued-relayed" (the same, with the
	// GUID Message-ID a relay gave the message), "queued-onprem" (the same
	// from an on-premises Exchange server), "sendas-inline" (554 5.2.0
	// with the counters after "Cannot submit message."), "sendas-252" (554
	// 5.2.252 with [BeginDiagnosticData] and the mailbox server after it),
	// "dmarc" (550 5.7.509 with one [host timestamp token] per hop).
	Data string
	// Code and Enhanced replace the refusal's, to make a real change.
	Code, Enhanced string
	// BannedRcpt is refused at RCPT with 550 5.7.606 and a triple.
	BannedRcpt string
}

func startExoShape(t *testing.T, cfg exoConfig) *exoShape {
	t.Helper()
	return startExoShapeOn(t, cfg, "127.0.0.1:0")
}

// startExoShapeOn is startExoShape on a loopback address of choice
// ("[::1]:0": its EHLO then greets the client as [::1]).
func startExoShapeOn(t *testing.T, cfg exoConfig, addr string) *exoShape {
	t.Helper()
	certs, err := mta.NewCerts(t.TempDir(), "localhost", "127.0.0.1", "::1")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(certs.CertFile, certs.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &exoShape{ln: ln, certs: certs, cfg: cfg, tls: &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); s.serve(c) }()
		}
	}()
	return s
}

func (s *exoShape) set(cfg exoConfig) { s.mu.Lock(); s.cfg = cfg; s.mu.Unlock() }

func (s *exoShape) config() exoConfig { s.mu.Lock(); defer s.mu.Unlock(); return s.cfg }

// sent returns the reply lines sent so far and forgets them.
func (s *exoShape) sent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.raw
	s.raw = nil
	return out
}

// exoConn is one connection's state and made-up identity.
type exoConn struct {
	s          *exoShape
	c          net.Conn
	r          *bufio.Reader
	frontEnd   string // CH0PR07CA0007.outlook.office365.com
	from, user string
	secure     bool
}

func (s *exoShape) serve(c net.Conn) {
	defer c.Close()
	x := &exoConn{s: s, c: c, r: bufio.NewReaderSize(c, 4096), frontEnd: frontEnd() + ".outlook.office365.com"}
	x.reply("220 " + x.frontEnd + " Microsoft ESMTP MAIL Service ready at " + time.Now().UTC().Format("Mon, 2 Jan 2006 15:04:05 -0700") + " [" + token() + "]")
	for range 100 { // bounded: a probe sends a dozen commands
		line, ok := x.line()
		if !ok || !x.command(line) {
			return
		}
	}
}

// command answers one command; false ends the connection.
func (x *exoConn) command(line string) bool {
	verb, arg, _ := strings.Cut(line, " ")
	cfg := x.s.config()
	switch strings.ToUpper(verb) {
	case "EHLO":
		ip, _, _ := net.SplitHostPort(x.c.RemoteAddr().String())
		caps := []string{x.frontEnd + " Hello [" + ip + "]", "SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES"}
		if x.secure {
			caps = append(caps, "AUTH LOGIN XOAUTH2")
		} else {
			caps = append(caps, "STARTTLS")
		}
		caps = append(caps, "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8")
		for i, c := range caps {
			sep := "-"
			if i == len(caps)-1 {
				sep = " "
			}
			x.reply("250" + sep + c)
		}
	case "STARTTLS":
		x.reply("220 2.0.0 SMTP server ready")
		tc := tls.Server(x.c, x.s.tls)
		tc.SetDeadline(time.Now().Add(10 * time.Second))
		if tc.Handshake() != nil {
			return false
		}
		x.c, x.r, x.secure = tc, bufio.NewReaderSize(tc, 4096), true
	case "AUTH":
		x.reply("334 VXNlcm5hbWU6")
		if _, ok := x.line(); !ok {
			return false
		}
		x.reply("334 UGFzc3dvcmQ6")
		if _, ok := x.line(); !ok {
			return false
		}
		x.user = "scanner@contoso.com"
		x.reply("235 2.7.0 Authentication successful")
	case "MAIL":
		x.from = between(arg, "<", ">")
		x.reply("250 2.1.0 Sender OK")
	case "RCPT":
		if cfg.BannedRcpt != "" && strings.Contains(arg, cfg.BannedRcpt) {
			ip, _, _ := net.SplitHostPort(x.c.RemoteAddr().String())
			x.reply(fmt.Sprintf("550 5.7.606 Access denied, banned sending IP [%s]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to http://go.microsoft.com/fwlink/?LinkID=526655 (AS16012609) [%s.eop-nam11.prod.protection.outlook.com %s %s]",
				ip, strings.ToUpper(frontEnd()), isoNow(), token()))
			return true
		}
		x.reply("250 2.1.5 Recipient OK")
	case "DATA":
		x.reply("354 Start mail input; end with <CRLF>.<CRLF>")
		size, msgID, ok := x.message()
		if !ok {
			return false
		}
		x.reply(x.endOfData(cfg, size, msgID))
	case "RSET":
		x.reply("250 2.0.0 Resetting")
	case "QUIT":
		x.reply("221 2.0.0 Service closing transmission channel")
		return false
	default:
		x.reply("500 5.3.3 Unrecognized command '" + verb + "' [" + strings.ToUpper(frontEnd()) + ".namprd11.prod.outlook.com " + isoNow() + " " + token() + "]")
	}
	return true
}

// endOfData is the scripted answer to a message of size bytes.
func (x *exoConn) endOfData(cfg exoConfig, size int, msgID string) string {
	code := func(c, e string) string {
		if cfg.Code != "" {
			c = cfg.Code
		}
		if cfg.Enhanced != "" {
			e = cfg.Enhanced
		}
		return c + " " + e
	}
	switch cfg.Data {
	case "queued-relayed":
		msgID = fmt.Sprintf("<%08x-%04x-%04x-%04x-%012x@mtasv.net>", rand.Uint32(), rand.IntN(1<<16), rand.IntN(1<<16), rand.IntN(1<<16), rand.Uint64()>>16)
		fallthrough
	case "queued", "queued-onprem":
		bytes, secs := size+3000+rand.IntN(9000), 0.05+rand.Float64()*3
		host := mailboxServer()
		if cfg.Data == "queued-onprem" {
			// An on-premises Exchange server names itself (a hybrid site's
			// relay; public example: "Hostname=E6PEDG06.idir.BCGOV").
			host = fmt.Sprintf("EXCH%02d.contoso.local", rand.IntN(100))
		}
		return fmt.Sprintf("%s %s [InternalId=%d, Hostname=%s] %d bytes in %.3f, %.3f KB/sec Queued mail for delivery",
			code("250", "2.6.0"), msgID, 1_000_000_000_000+rand.Int64N(90_000_000_000_000), host, bytes, secs, float64(bytes)/1024/secs)
	case "sendas-inline":
		return code("554", "5.2.0") + " STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message. " + counters()
	case "sendas-252":
		return code("554", "5.2.252") + " SendAsDenied; " + x.user + " not allowed to send as " + x.from + "; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message. " + counters() + "[EndDiagnosticData] [Hostname=" + mailboxServer() + "]"
	case "dmarc":
		// One triple per hop, as the relayed bounce of sympa#1843 shows; the
		// last hop is an on-premises server (synthetic: a host outside
		// Microsoft's domains in that position).
		return code("550", "5.7.509") + " Access denied, sending domain [CONTOSO.COM] does not pass DMARC verification and has a DMARC policy of reject. " +
			fmt.Sprintf("[%s %s %s] [%s.EURP250.PROD.OUTLOOK.COM %s %s] [EXCH%02d.contoso.local %s %s]", mailboxServer(), isoNow(), token(), strings.ToUpper(frontEnd()), isoNow(), token(), rand.IntN(100), isoNow(), token())
	}
	return "451 4.3.0 unknown scripted reply"
}

// message reads a message up to "." and returns its size and Message-ID.
func (x *exoConn) message() (size int, msgID string, ok bool) {
	for range 100_000 {
		l, ok := x.line()
		if !ok {
			return 0, "", false
		}
		if l == "." {
			return size, msgID, true
		}
		size += len(l) + 2
		if v, found := strings.CutPrefix(l, "Message-ID: "); found && msgID == "" {
			msgID = v
		}
	}
	return 0, "", false
}

func (x *exoConn) line() (string, bool) {
	x.c.SetDeadline(time.Now().Add(10 * time.Second))
	l, err := x.r.ReadString('\n')
	if err != nil || len(l) > 4000 {
		return "", false
	}
	return strings.TrimRight(l, "\r\n"), true
}

func (x *exoConn) reply(l string) {
	x.s.mu.Lock()
	x.s.raw = append(x.s.raw, l)
	x.s.mu.Unlock()
	x.c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(x.c, "%s\r\n", l)
}

// The made-up volatile parts, in the shapes of FACTS.md sections 0 and 2.

func frontEnd() string {
	return fmt.Sprintf("%s%dP%s%dCA%04d", pickOf("CH", "BE", "AM", "FR", "SY", "BN"), rand.IntN(10), pickOf("", "R"), 10+rand.IntN(290), rand.IntN(10000))
}

func mailboxServer() string {
	n := rand.IntN(900) + 100
	if rand.IntN(2) == 0 {
		return fmt.Sprintf("%s%dP%dMB%04d.%sP%d.PROD.OUTLOOK.COM", pickOf("SY4", "VI1", "DU2", "AM8"), rand.IntN(10), n, rand.IntN(10000), pickOf("AUS", "EUR", "NAM"), n)
	}
	return fmt.Sprintf("%sPR%02dMB%04d.%sprd%02d.prod.outlook.com", pickOf("TYZ", "SN1", "LV4"), n%100, rand.IntN(10000), pickOf("apc", "nam", "eur"), n%100)
}

func token() string { return fmt.Sprintf("08D%013X", rand.Uint64()>>12) }
func isoNow() string {
	return time.Now().UTC().Add(time.Duration(rand.IntN(1000)) * time.Millisecond).Format("2006-01-02T15:04:05.000Z")
}

func counters() string {
	ids := []string{"0.35250", "1.36674", "1.61250", "1.45378", "1.44866", "16.55847", "17.43559", "20.52176", "20.50032", "0.53414", "0.35180", "255.23226", "255.27962"}
	n := 2 + rand.IntN(len(ids)-1)
	out := make([]string, n)
	for i := range out {
		v := fmt.Sprintf("%08X", rand.Uint32())
		if ids[i] == "17.43559" {
			v += fmt.Sprintf("%016X%016X", rand.Uint64(), rand.Uint64())
		}
		out[i] = ids[i] + ":" + v
	}
	return strings.Join(out, ", ")
}

func pickOf(s ...string) string { return s[rand.IntN(len(s))] }

// between is the text of s between the first open and the close after it.
func between(s, open, close string) string {
	_, rest, ok := strings.Cut(s, open)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, close)
	return v
}
