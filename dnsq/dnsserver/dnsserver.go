// Package dnsserver runs a scriptable DNS server on loopback, in the
// spirit of net/http/httptest: zones in zone-file syntax, and names that
// answer SERVFAIL or REFUSED, answer late, or never answer. It serves UDP
// and TCP on the same port and listens on 127.0.0.1 only. Tests use it,
// and so does the forecast, which answers a site's lookups as they will
// be after the changes it plays.
package dnsserver

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Server is a running DNS server. Its methods may be called while it
// serves.
type Server struct {
	Addr string // 127.0.0.1:port, for UDP and TCP

	udp, tcp *dns.Server
	mu       sync.Mutex
	records  map[string][]dns.RR // by lower-case FQDN
	rcodes   map[string]int      // names answering this rcode
	delays   map[string]time.Duration
	silent   map[string]bool
	all      bool // silent for every name
	queries  []string
	closed   chan struct{}
	once     sync.Once
}

// Start serves zone (zone-file syntax, absolute names, "$TTL" optional)
// on a free loopback port.
func Start(zone string) (*Server, error) {
	s := &Server{records: map[string][]dns.RR{}, rcodes: map[string]int{}, delays: map[string]time.Duration{},
		silent: map[string]bool{}, closed: make(chan struct{})}
	if err := s.AddZone(zone); err != nil {
		return nil, err
	}
	var err error
	for range 20 { // the TCP port of a free UDP port may be taken
		if err = s.listen(); err == nil {
			return s, nil
		}
	}
	return nil, err
}

func (s *Server) listen() error {
	addr, udp, tcp, err := listenPair(dns.HandlerFunc(s.serve))
	if err != nil {
		return err
	}
	s.Addr, s.udp, s.tcp = addr, udp, tcp
	return nil
}

// ServeLoopback serves h on a free port of 127.0.0.1, UDP and TCP on the
// same port, until stop; it returns once both are serving. Other
// packages' own DNS servers on loopback (the forecast's) use it.
func ServeLoopback(h dns.Handler) (addr string, stop func(), err error) {
	for range 20 { // the TCP port of a free UDP port may be taken
		var udp, tcp *dns.Server
		if addr, udp, tcp, err = listenPair(h); err == nil {
			return addr, func() { udp.Shutdown(); tcp.Shutdown() }, nil
		}
	}
	return "", nil, err
}

// listenPair starts h on a free UDP port and the same TCP port.
func listenPair(h dns.Handler) (addr string, udp, tcp *dns.Server, err error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, err
	}
	ln, err := net.Listen("tcp", pc.LocalAddr().String())
	if err != nil {
		pc.Close()
		return "", nil, nil, err
	}
	udp = &dns.Server{PacketConn: pc, Handler: h}
	tcp = &dns.Server{Listener: ln, Handler: h}
	started := make(chan struct{}, 2)
	udp.NotifyStartedFunc = func() { started <- struct{}{} }
	tcp.NotifyStartedFunc = func() { started <- struct{}{} }
	go udp.ActivateAndServe()
	go tcp.ActivateAndServe()
	<-started
	<-started
	return pc.LocalAddr().String(), udp, tcp, nil
}

// Close stops the server; answers still waiting on a delay are dropped.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closed)
		s.udp.Shutdown()
		s.tcp.Shutdown()
	})
}

// AddZone adds the records of zone.
func (s *Server) AddZone(zone string) error {
	zp := dns.NewZoneParser(strings.NewReader(zone), "", "dnsserver")
	s.mu.Lock()
	defer s.mu.Unlock()
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		name := dns.CanonicalName(rr.Header().Name)
		s.records[name] = append(s.records[name], rr)
	}
	if err := zp.Err(); err != nil {
		return fmt.Errorf("dnsserver: zone: %w", err)
	}
	return nil
}

// Rcode makes name answer rcode (dns.RcodeServerFailure, dns.RcodeRefused).
func (s *Server) Rcode(name string, rcode int) {
	s.set(func() { s.rcodes[dns.CanonicalName(name)] = rcode })
}

// Delay makes name answer after d.
func (s *Server) Delay(name string, d time.Duration) {
	s.set(func() { s.delays[dns.CanonicalName(name)] = d })
}

// Silence makes name never answer; with no name, no name answers.
func (s *Server) Silence(names ...string) {
	s.set(func() {
		if len(names) == 0 {
			s.all = true
		}
		for _, n := range names {
			s.silent[dns.CanonicalName(n)] = true
		}
	})
}

// Queries returns the questions received so far, as "name TYPE".
func (s *Server) Queries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.queries...)
}

func (s *Server) set(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// serve answers one query: silence, delay, scripted rcode, then the zone
// (NXDOMAIN for a name without records, no data for a type it lacks;
// CNAMEs are returned, and followed within the zone).
func (s *Server) serve(w dns.ResponseWriter, q *dns.Msg) {
	if len(q.Question) != 1 {
		return
	}
	question := q.Question[0]
	name := dns.CanonicalName(question.Name)
	s.mu.Lock()
	s.queries = append(s.queries, strings.TrimSuffix(name, ".")+" "+dns.TypeToString[question.Qtype])
	silent, delay := s.all || s.silent[name], s.delays[name]
	rcode, hasRcode := s.rcodes[name]
	r := new(dns.Msg)
	r.SetReply(q)
	r.RecursionAvailable = true
	switch {
	case hasRcode:
		r.Rcode = rcode
	default:
		s.answer(r, name, question.Qtype)
	}
	s.mu.Unlock()
	if silent {
		return
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-s.closed:
			return
		}
	}
	if tcp := w.RemoteAddr().Network() == "tcp"; !tcp {
		r.Truncate(udpSize(q))
	}
	w.WriteMsg(r)
}

// answer fills r from the zone; the caller holds s.mu.
func (s *Server) answer(r *dns.Msg, name string, qtype uint16) {
	for range 8 { // CNAME chain, bounded
		rrs, ok := s.records[name]
		if !ok {
			if len(r.Answer) == 0 {
				r.Rcode = dns.RcodeNameError
			}
			return
		}
		var cname string
		for _, rr := range rrs {
			switch {
			case rr.Header().Rrtype == qtype:
				r.Answer = append(r.Answer, rr)
			case rr.Header().Rrtype == dns.TypeCNAME:
				r.Answer = append(r.Answer, rr)
				cname = dns.CanonicalName(rr.(*dns.CNAME).Target)
			}
		}
		if cname == "" || qtype == dns.TypeCNAME {
			return
		}
		name = cname
	}
}

func udpSize(q *dns.Msg) int {
	if o := q.IsEdns0(); o != nil {
		return int(o.UDPSize())
	}
	return dns.MinMsgSize
}
