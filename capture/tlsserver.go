package capture

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"reflect"
	"slices"
	"syscall"

	"github.com/smtpspec/smtpspec/transcript"
)

// allSuites is every TLS 1.0-1.2 suite crypto/tls implements, the insecure
// ones (RSA key exchange, 3DES, RC4, CBC_SHA256) included: set
// explicitly, Go 1.26 negotiates them without GODEBUG (tlsrsakex and
// tls3des only change the default list), so an old device completes its
// handshake and shows the rest of its session. What Go cannot complete:
// SSL 3.0 and SSL 2.0-format hellos, finite-field DHE suites, CAMELLIA,
// ARIA, SEED, CCM and the ECDHE CBC_SHA384 suites, and groups other than
// X25519, P-256, P-384, P-521 and the ML-KEM hybrids. Such a hello is
// still recorded, with the prediction for Microsoft 365.
func allSuites() []uint16 {
	var ids []uint16
	for _, list := range [][]*tls.CipherSuite{tls.CipherSuites(), tls.InsecureCipherSuites()} {
		for _, s := range list {
			for _, v := range s.SupportedVersions {
				if v <= tls.VersionTLS12 {
					ids = append(ids, s.ID)
					break
				}
			}
		}
	}
	return ids
}

// tlsConfig is the capture's handshake policy: every version from TLS 1.0
// and every suite Go has, no session tickets (each handshake shows the
// device's full hello), the certificate chosen for the name the device
// asked for. into receives the ClientHello.
func (srv *Server) tlsConfig(into *TLS, local net.Addr) *tls.Config {
	base := &tls.Config{
		MinVersion:             tls.VersionTLS10,
		MaxVersion:             tls.VersionTLS13,
		CipherSuites:           allSuites(),
		SessionTicketsDisabled: true,
	}
	base.GetConfigForClient = func(chi *tls.ClientHelloInfo) (*tls.Config, error) {
		into.Hello = helloOf(chi)
		into.Microsoft365 = predict(into.Hello, srv.opts.Persona)
		cfg := base.Clone()
		cfg.GetConfigForClient = nil
		certs, err := srv.certificates(chi.ServerName, local)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = certs
		return cfg, nil
	}
	return base
}

// certificates are the customer's own (--cert/--key) or leaves from the
// capture's CA for the name the device asked for (SNI), else for the
// address it connected to.
func (srv *Server) certificates(sni string, local net.Addr) ([]tls.Certificate, error) {
	if srv.opts.Certificate != nil {
		return []tls.Certificate{*srv.opts.Certificate}, nil
	}
	name := sni
	if name == "" {
		name = hostOf(local)
	}
	return srv.ca.leaf(name, srv.opts.Now())
}

// helloOf records chi. Without the supported_versions extension (a hello
// of TLS 1.2 or older) the hello names only the highest version the device
// accepts; crypto/tls fills in every version below it, which the device
// never said, so only the highest is kept.
func helloOf(chi *tls.ClientHelloInfo) *Hello {
	versions := chi.SupportedVersions
	explicit := slices.Contains(chi.Extensions, 43)
	if !explicit && len(versions) > 0 {
		versions = []uint16{slices.Max(versions)}
	}
	return &Hello{
		Versions:         names(versions, versionName),
		HighestOnly:      !explicit,
		CipherSuites:     names(chi.CipherSuites, suiteName),
		Groups:           names(chi.SupportedCurves, groupName),
		SignatureSchemes: names(chi.SignatureSchemes, schemeName),
		Points:           names(chi.SupportedPoints, pointName),
		SNI:              chi.ServerName,
		ALPN:             chi.SupportedProtos,
		Extensions:       names(chi.Extensions, extensionName),
		versions:         versions,
		suites:           chi.CipherSuites,
	}
}

// handshake runs the server side of a TLS handshake on the connection
// and records it; false ends the session.
func (ss *session) handshake(mode transcript.TLSMode) bool {
	rec := &TLS{Mode: mode}
	ss.rec.TLS = rec
	ss.tls = rec
	sn := &sniffer{Conn: ss.conn, pending: ss.r}
	tc := tls.Server(sn, ss.srv.tlsConfig(rec, ss.raw.LocalAddr()))
	ss.setDeadline()
	ctx, cancel := context.WithDeadline(context.Background(), ss.end)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		ss.handshakeFailed(rec, sn, err)
		return false
	}
	st := tc.ConnectionState()
	rec.Completed = true
	rec.Version, rec.CipherSuite = versionName(st.Version), suiteName(st.CipherSuite)
	ss.logf("%s %s", rec.Version, rec.CipherSuite)
	ss.setConn(tc)
	// RFC 3207 section 4.2: the client starts over with EHLO.
	ss.secure, ss.greeted, ss.shown, ss.sentLine = true, false, nil, false
	return true
}

// handshakeFailed classifies a failed handshake: not TLS at all, the
// device refusing the capture's certificate (an alert, or a silent close
// after the server's flight), or something else.
func (ss *session) handshakeFailed(rec *TLS, sn *sniffer, err error) {
	ss.rec.End = "TLS handshake failed"
	alert, alerted := sn.alert, sn.alerted
	if !alerted {
		alert, alerted = remoteAlert(err)
	}
	switch {
	case len(sn.first) > 0 && sn.first[0] != 0x16:
		rec.NotHello = describeBytes(sn.first)
		rec.Error = "not a TLS ClientHello"
	case len(sn.first) == 0:
		rec.Error = "the device sent no ClientHello (" + shortErr(err) + ")"
	case alerted && certAlerts[alert]:
		rec.CertRejected = true
		rec.CertEvidence = "the device answered the capture's certificate with the TLS alert " + alertName(alert)
		rec.Error = "remote alert " + alertName(alert)
	case alerted:
		rec.Error = "remote alert " + alertName(alert)
	case sn.wrote > 0 && rec.Hello != nil && closed(err):
		rec.CertRejected = true
		rec.CertEvidence = "the device closed the connection, without an alert, after the capture sent its ServerHello and certificate: embedded TLS stacks do this when they refuse a certificate"
		rec.Error = "closed by the device during the handshake"
	default:
		rec.Error = shortErr(err)
	}
	ss.logf("TLS handshake failed: %s", rec.Error)
}

// remoteAlert is the alert in a handshake error that the peer sent.
// crypto/tls returns it as a *net.OpError with Op "remote error" whose Err
// is its unexported alert type, a uint8: its value is read through
// reflection rather than by matching the error's text.
func remoteAlert(err error) (uint8, bool) {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return 0, false
	}
	v := reflect.ValueOf(op.Err)
	if v.Kind() != reflect.Uint8 {
		return 0, false
	}
	return uint8(v.Uint()), true
}

func closed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}

func shortErr(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case closed(err):
		return "closed by the device"
	}
	return err.Error()
}

// sniffer sits between crypto/tls and the connection: it keeps the first
// bytes the device sent (to tell a ClientHello from anything else) and
// reads any plaintext alert record, and counts what the capture wrote.
// pending serves bytes already buffered (a ClientHello peeked before the
// banner) before reading the connection.
type sniffer struct {
	net.Conn
	pending interface {
		Buffered() int
		Read([]byte) (int, error)
	}
	first   []byte
	seen    int // bytes of records parsed so far
	alert   uint8
	alerted bool
	wrote   int
}

const sniffMax = 16 << 10

func (s *sniffer) Read(p []byte) (int, error) {
	var n int
	var err error
	if s.pending != nil && s.pending.Buffered() > 0 {
		n, err = s.pending.Read(p[:min(len(p), s.pending.Buffered())])
	} else {
		n, err = s.Conn.Read(p)
	}
	if len(s.first) < sniffMax {
		s.first = append(s.first, p[:min(n, sniffMax-len(s.first))]...)
		s.parse()
	}
	return n, err
}

func (s *sniffer) Write(p []byte) (int, error) {
	s.wrote += len(p)
	return s.Conn.Write(p)
}

// parse walks the TLS records seen so far (type, version, length: RFC 8446
// section 5.1) and notes a plaintext alert (two bytes: level, description).
func (s *sniffer) parse() {
	for len(s.first)-s.seen >= 5 {
		h := s.first[s.seen:]
		length := int(h[3])<<8 | int(h[4])
		if len(h) < 5+length {
			return
		}
		if h[0] == 21 && length == 2 && !s.alerted {
			s.alert, s.alerted = h[6], true
		}
		s.seen += 5 + length
	}
}
