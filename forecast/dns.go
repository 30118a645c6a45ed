package forecast

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/dnsq/dnsserver"
)

// names hands every host name the probes ask about its own loopback
// address (127.1.0.1, 127.1.0.2, ...), so that a probe's dial says which
// name it resolved and the forecast can route it to the simulator that
// plays that name. One per forecast, shared by its DNS views.
type names struct {
	mu     sync.Mutex
	byName map[string]string
	byIP   map[string]string
	next   uint32
}

func newNames() *names { return &names{byName: map[string]string{}, byIP: map[string]string{}} }

// ip returns name's address, giving it one on first use.
func (n *names) ip(name string) string {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	n.mu.Lock()
	defer n.mu.Unlock()
	if ip, ok := n.byName[name]; ok {
		return ip
	}
	n.next++
	ip := fmt.Sprintf("127.%d.%d.%d", 1+n.next>>16&0x7f, n.next>>8&0xff, n.next&0xff)
	n.byName[name], n.byIP[ip] = ip, name
	return ip
}

// name returns the host name ip was given to, "" for another address.
func (n *names) name(ip string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.byIP[ip]
}

// view is one way the world's DNS answers: every name has an address
// (names), the tenant domains' MX is named as today or under mx.microsoft,
// and the names a change removed answer NXDOMAIN. It is a real DNS server
// on loopback (UDP and TCP), so the probe resolves as it does live.
type view struct {
	names *names
	rules []dnsRule
	Addr  string // 127.0.0.1:port
	stop  func()
}

// startView serves a view on a free loopback port.
func startView(n *names, rules []dnsRule) (*view, error) {
	v := &view{names: n, rules: rules}
	var err error
	if v.Addr, v.stop, err = dnsserver.ServeLoopback(dns.HandlerFunc(v.serve)); err != nil {
		return nil, fmt.Errorf("forecast: DNS on loopback: %w", err)
	}
	return v, nil
}

// Close stops the view's servers.
func (v *view) Close() { v.stop() }

// serve answers one question: A with the name's address, MX with the
// domain's tenant MX, nothing (NOERROR) for other types, NXDOMAIN for a
// removed name.
func (v *view) serve(w dns.ResponseWriter, q *dns.Msg) {
	r := new(dns.Msg)
	r.SetReply(q)
	r.RecursionAvailable = true
	if len(q.Question) != 1 {
		r.Rcode = dns.RcodeFormatError
		w.WriteMsg(r)
		return
	}
	question := q.Question[0]
	name := strings.TrimSuffix(strings.ToLower(question.Name), ".")
	hdr := dns.RR_Header{Name: question.Name, Class: dns.ClassINET, Ttl: 300}
	switch {
	case v.gone(name):
		r.Rcode = dns.RcodeNameError
	case question.Qtype == dns.TypeA:
		hdr.Rrtype = dns.TypeA
		r.Answer = append(r.Answer, &dns.A{Hdr: hdr, A: net.ParseIP(v.names.ip(name))})
	case question.Qtype == dns.TypeMX:
		target := mxHost(name)
		if v.mxMoved() {
			target = mxMicrosoftHost(name)
		}
		hdr.Rrtype = dns.TypeMX
		r.Answer = append(r.Answer, &dns.MX{Hdr: hdr, Preference: 0, Mx: dns.Fqdn(target)})
	}
	w.WriteMsg(r)
}

// gone reports a name the view's changes removed.
func (v *view) gone(name string) bool {
	for _, r := range v.rules {
		if slices.Contains(r.gone, name) || r.goneSuffix != "" && strings.HasSuffix(name, r.goneSuffix) {
			return true
		}
	}
	return false
}

// mxMoved reports whether the view names tenant MX hosts under mx.microsoft.
func (v *view) mxMoved() bool {
	return slices.ContainsFunc(v.rules, func(r dnsRule) bool { return r.mxMoved })
}
