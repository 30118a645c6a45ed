package sim

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Options tunes a Server. Zero values mean the defaults.
type Options struct {
	CA  *CA              // nil: a new one
	Now func() time.Time // nil: time.Now; dates and tokens in replies
	// Logf receives one line per command, reply and connection event, from
	// many sessions at once (it must be safe for concurrent use). It never
	// receives passwords or tokens: AUTH payloads and unrecognized lines are
	// not shown (a SendAs refusal it shows names the user, not the password).
	Logf func(format string, args ...any) // nil: silent

	// IdleTimeout bounds every read and write of a session (default 60s);
	// a client silent that long is disconnected.
	IdleTimeout time.Duration
	// StallLimit bounds how long a stalled scenario holds a connection
	// (default 5 minutes).
	StallLimit time.Duration
	// MaxSessions caps concurrent sessions (default 100); the next
	// connection gets a 421 and is closed.
	MaxSessions int
	// ClientCAs are the roots a ClientCert scenario verifies client
	// certificates against; nil: the simulator's CA (CA.IssueClient).
	ClientCAs *x509.CertPool
	// Domain is the tenant's accepted domain (with its subdomains): the
	// recipients a Direct Send MX takes, the senders RejectDirectSend
	// refuses, the names a certificate connector matches. "" is
	// DefaultDomain, contoso.com. NewServer rejects what is not a domain
	// name (ValidDomain).
	Domain string
	// MoreDomains are further accepted domains of the same tenant (a
	// tenant may have several; the forecast asks "what if the sender's
	// domain is one of them"), each with its subdomains. NewServer checks
	// them like Domain.
	MoreDomains []string
	// ServerNames are DNS names the leaf certificate carries besides
	// leafNames, for a client that reaches the simulator under another
	// Microsoft name (the forecast: smtp.hve.mx.microsoft, a tenant's
	// host under mx.microsoft). Only clients that trust the CA accept them.
	ServerNames []string
}

// Defaults for Options.
const (
	DefaultIdleTimeout = 60 * time.Second
	DefaultStallLimit  = 5 * time.Minute
	DefaultMaxSessions = 100
)

// Server is one simulated Microsoft 365 endpoint playing one scenario on
// any number of listeners.
type Server struct {
	sc         *Scenario
	opts       Options
	seq        atomic.Uint64 // session numbers, for logs
	maxMessage int64         // DATA limit; maxMessageSize except in tests

	mu        sync.Mutex
	closed    bool
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	wg        sync.WaitGroup // Serve loops and sessions
}

// NewServer prepares a server for sc; nothing listens until Serve.
func NewServer(sc *Scenario, opts Options) (*Server, error) {
	if sc == nil {
		return nil, errors.New("sim: no scenario")
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	if opts.CA == nil {
		ca, err := NewCA()
		if err != nil {
			return nil, err
		}
		opts.CA = ca
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.StallLimit <= 0 {
		opts.StallLimit = DefaultStallLimit
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.Domain == "" {
		opts.Domain = DefaultDomain
	}
	d, err := ValidDomain(opts.Domain)
	if err != nil {
		return nil, err
	}
	opts.Domain = d
	more := make([]string, len(opts.MoreDomains))
	for i, m := range opts.MoreDomains {
		if more[i], err = ValidDomain(m); err != nil {
			return nil, err
		}
	}
	opts.MoreDomains = more
	return &Server{
		sc:         sc,
		opts:       opts,
		maxMessage: maxMessageSize,
		listeners:  map[net.Listener]struct{}{},
		conns:      map[net.Conn]struct{}{},
	}, nil
}

// CA returns the authority that signs the server's certificates.
func (s *Server) CA() *CA { return s.opts.CA }

// Serve accepts on ln until Close; the leaf certificate is valid for ln's
// address (IP SAN), "localhost", 127.0.0.1 and ::1 and is signed by the
// CA. It returns nil when Close ended it, otherwise the accept error.
func (s *Server) Serve(ln net.Listener) error {
	leaf, err := s.opts.CA.issueLeaf(ln.Addr(), s.sc.Method, s.opts.Now(), s.opts.ServerNames)
	if err != nil {
		return err
	}
	cfg := tlsConfig(s.sc, leaf)
	s.clientAuth(cfg) // clientcert.go
	if !s.trackListener(ln) {
		ln.Close()
		return nil
	}
	defer s.wg.Done()
	defer s.untrackListener(ln)
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
				return nil
			}
			return fmt.Errorf("sim: accept on %s: %w", ln.Addr(), err)
		}
		switch s.trackConn(c) {
		case admitted:
			go s.serveConn(c, cfg)
		case overCap:
			s.refuseBusy(c)
		case closing:
			c.Close()
		}
	}
}

// Close stops accepting, closes live sessions (stalled ones included) and
// waits until every goroutine the server started has returned.
func (s *Server) Close() error {
	s.mu.Lock()
	var errs []error
	if !s.closed {
		s.closed = true
		for ln := range s.listeners {
			if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, fmt.Errorf("sim: close %s: %w", ln.Addr(), err))
			}
		}
		for c := range s.conns {
			c.Close() // the session reports nothing useful about a forced close
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
	return errors.Join(errs...)
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// trackListener registers ln unless the server is closed. The WaitGroup
// is only added to under mu while open, so Close's Wait never races an Add.
func (s *Server) trackListener(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.listeners[ln] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrackListener(ln net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.listeners, ln)
}

type admission int

const (
	admitted admission = iota
	overCap
	closing
)

func (s *Server) trackConn(c net.Conn) admission {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return closing
	case len(s.conns) >= s.opts.MaxSessions:
		return overCap
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return admitted
}

func (s *Server) untrackConn(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// refuseBusy answers a connection over MaxSessions and closes it. The
// cap is the simulator's own, not Microsoft's, so the text is RFC 5321's
// for 421 (section 4.2.2) with RFC 3463's 4.3.2 "system not accepting
// network messages". A new socket's send buffer is empty, so the short
// write cannot block the accept loop; the deadline makes sure of it.
func (s *Server) refuseBusy(c net.Conn) {
	c.SetWriteDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(c, "421 4.3.2 Service not available, closing transmission channel\r\n")
	c.Close()
	s.opts.Logf("sim %s: refused %s: %d sessions already open", s.sc.Name, c.RemoteAddr(), s.opts.MaxSessions)
}

func (s *Server) serveConn(c net.Conn, cfg *tls.Config) {
	defer s.wg.Done()
	defer s.untrackConn(c)
	defer c.Close()
	newSession(s, c, cfg, s.seq.Add(1)).run()
}

// tlsConfig is the handshake policy of sc: TLS 1.2+ unless the scenario
// lowers the floor, with ECDHE_RSA suites in Microsoft's preference order
// (FACTS.md 1.1, "Technical reference details about encryption"), minus
// the CBC_SHA384/SHA256 ones Go does not offer. The CBC_SHA suites are what
// TLS 1.0/1.1 clients can use. TLS 1.3 suites are not configurable in Go.
func tlsConfig(sc *Scenario, leaf tls.Certificate) *tls.Config {
	suites := []uint16{
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	}
	if sc.TLSRSA {
		// Last in Microsoft's order, as in its list (FACTS.md 1.1).
		suites = append(suites, tls.TLS_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_RSA_WITH_AES_128_GCM_SHA256)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{leaf},
		MinVersion:   sc.tlsMin(),
		CipherSuites: suites,
	}
}
