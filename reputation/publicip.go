package reputation

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/dnsq"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// Lookup is one public-IP discovery query: ask Server (by name or
// address; "" means the site's resolver) for Name's records of Type, and
// read the querying address from the answer. Such servers answer with
// the address the query came from (FACTS.md 6.4).
type Lookup struct {
	Type   uint16
	Name   string
	Server string // host or host:port; "" = the site's resolver
	Spec   string // as written: "TXT o-o.myaddr.l.google.com @ns1.google.com"
}

// DefaultLookups are Google's and OpenDNS' what-is-my-IP answers, asked
// of their own servers (a recursive resolver would answer with its own
// address).
var DefaultLookups = []string{
	"TXT o-o.myaddr.l.google.com @ns1.google.com",
	"A myip.opendns.com @resolver1.opendns.com",
}

// ParseLookup reads "TYPE NAME [@SERVER]" (TYPE is A, AAAA or TXT), the
// way dig is written.
func ParseLookup(s string) (Lookup, error) {
	f := strings.Fields(s)
	l := Lookup{Spec: strings.Join(f, " ")}
	if len(f) < 2 || len(f) > 3 {
		return l, fmt.Errorf("%q is not \"TYPE NAME @SERVER\", like \"TXT o-o.myaddr.l.google.com @ns1.google.com\"", s)
	}
	switch t := strings.ToUpper(f[0]); t {
	case "A", "AAAA", "TXT":
		l.Type = dns.StringToType[t]
	default:
		return l, fmt.Errorf("%q: the type is A, AAAA or TXT, not %q", s, f[0])
	}
	if _, ok := dns.IsDomainName(f[1]); !ok || strings.HasPrefix(f[1], "@") {
		return l, fmt.Errorf("%q: %q is not a DNS name", s, f[1])
	}
	l.Name = f[1]
	if len(f) == 3 {
		if !strings.HasPrefix(f[2], "@") || len(f[2]) == 1 {
			return l, fmt.Errorf("%q: the server is written @name or @address, like @ns1.google.com", s)
		}
		srv, err := dnsq.ServerAddr(f[2][1:])
		if err != nil {
			return l, fmt.Errorf("%q: %v", s, err)
		}
		l.Server = srv
	}
	return l, nil
}

// publicIP gathers the pinned, discovered and EHLO addresses and picks
// the one the checks use: the pin, else what the server saw, else DNS.
func publicIP(ctx context.Context, cfg Config) *transcript.PublicIP {
	p := &transcript.PublicIP{Pinned: cfg.PublicIP}
	if ip := net.ParseIP(cfg.EHLOIP); ip != nil && Public(ip) {
		p.EHLO = ip.String()
	}
	p.Lookups = discover(ctx, cfg)
	dnsIP := ""
	for _, l := range p.Lookups {
		if l.IP != "" {
			dnsIP = l.IP
			break
		}
	}
	switch {
	case p.Pinned != "":
		p.IP, p.Source = p.Pinned, "pinned"
	case p.EHLO != "":
		p.IP, p.Source = p.EHLO, "ehlo"
	case dnsIP != "":
		p.IP, p.Source = dnsIP, "dns"
	}
	p.Mismatch = mismatch(p.Pinned, dnsIP, p.EHLO)
	return p
}

// mismatch words the first disagreement between sources of the same
// address family (an IPv4 discovery and an IPv6 session differ by
// nature, not by route).
func mismatch(pinned, viaDNS, ehlo string) string {
	differ := func(a, b string) bool {
		x, y := net.ParseIP(a), net.ParseIP(b)
		return x != nil && y != nil && (x.To4() == nil) == (y.To4() == nil) && !x.Equal(y)
	}
	switch {
	case differ(pinned, ehlo):
		return fmt.Sprintf("the spec pins the public IP %s, but the server saw the probe connect from %s: the probe is running from another network or egress than the one pinned", pinned, ehlo)
	case differ(pinned, viaDNS):
		return fmt.Sprintf("the spec pins the public IP %s, but DNS discovery sees %s: the probe may be running from the wrong network", pinned, viaDNS)
	case differ(viaDNS, ehlo):
		return fmt.Sprintf("DNS discovery sees the public IP %s, but the server saw the probe connect from %s: SMTP leaves by another route or NAT address (policy routing, a proxy)", viaDNS, ehlo)
	}
	return ""
}

// discover runs every lookup in parallel.
func discover(ctx context.Context, cfg Config) []transcript.PublicIPSeen {
	seen := make([]transcript.PublicIPSeen, len(cfg.Lookups))
	var wg sync.WaitGroup
	for i, l := range cfg.Lookups {
		wg.Go(func() { seen[i] = lookup(ctx, cfg, l) })
	}
	wg.Wait()
	return seen
}

// lookup runs one discovery: find the server's address through the
// site's resolver, then ask it.
func lookup(ctx context.Context, cfg Config, l Lookup) transcript.PublicIPSeen {
	s := transcript.PublicIPSeen{Lookup: l.Spec}
	q := cfg.DNS
	if l.Server != "" {
		addr, err := serverAddress(ctx, cfg.DNS, l.Server)
		if err != nil {
			s.Error = err.Error()
			return s
		}
		q = cfg.At(addr)
	}
	a := q.Query(ctx, l.Name, l.Type)
	if !a.OK() {
		s.Error = fmt.Sprintf("%s %s: %s", dns.TypeToString[l.Type], l.Name, a.Error)
		return s
	}
	for _, r := range a.Records {
		if ip := firstIP(r); ip != "" {
			s.IP = ip
			return s
		}
	}
	s.Error = fmt.Sprintf("%s %s: no address in the answer %q", dns.TypeToString[l.Type], l.Name, strings.Join(a.Records, ", "))
	return s
}

// serverAddress resolves a server written by name through the site's
// resolver (IPv4 first): the discovery never uses another resolver.
func serverAddress(ctx context.Context, q Querier, server string) (string, error) {
	host, port, _ := net.SplitHostPort(server)
	if net.ParseIP(host) != nil {
		return server, nil
	}
	for _, t := range []uint16{dns.TypeA, dns.TypeAAAA} {
		a := q.Query(ctx, host, t)
		if a.OK() {
			return net.JoinHostPort(a.Records[0], port), nil
		}
		if a.Outcome == transcript.DNSTimeout {
			return "", fmt.Errorf("resolving %s: %s", host, a.Error)
		}
	}
	return "", fmt.Errorf("resolving %s: no address", host)
}

// firstIP returns the answer as an address when it is nothing else: a
// TXT such as "edns0-client-subnet 203.0.113.0/24" (Google adds it when
// asked through a resolver) names a subnet, not this site.
func firstIP(s string) string {
	if ip := net.ParseIP(strings.Trim(strings.TrimSpace(s), `"`)); ip != nil {
		return ip.String()
	}
	return ""
}

// helloRE finds the address in an EHLO reply's first line: Microsoft
// writes "Hello [203.0.113.7]" (FACTS.md 2.1, 2.2).
var helloRE = lazyre.New(`(?i)\bHello \[(?:IPv6:)?([0-9A-Fa-f:.]+)\]`)

// EHLOAddress returns the client address an EHLO reply names, or "".
func EHLOAddress(line string) string {
	m := helloRE.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	if ip := net.ParseIP(m[1]); ip != nil {
		return ip.String()
	}
	return ""
}
