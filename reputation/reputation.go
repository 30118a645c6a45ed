// Package reputation looks at a site's public IP the way Microsoft 365's
// front door does before it accepts mail on port 25: which IP the site
// really sends from (DNS discovery and the server's own "Hello [ip]"),
// whether public blocklists list it and why (return codes decoded,
// errors never read as listings), whether its reverse DNS looks
// residential, and whether the sender domain's SPF record covers it.
//
// It only asks DNS; it never connects to a mail server, and it sends
// every query through the DNS servers it is given (the site's resolver,
// and for public-IP discovery the servers each lookup names), so a test
// that gives it a loopback server never reaches beyond loopback.
package reputation

import (
	"context"
	"net"
	"sync"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/dnsq"
	"github.com/smtpspec/smtpspec/transcript"
)

// Querier asks one DNS question; *dnsq.Client is one.
type Querier interface {
	Query(ctx context.Context, name string, qtype uint16) dnsq.Answer
}

// Config is what Check needs to know about one site.
type Config struct {
	DNS Querier // the site's resolver
	// At returns a querier for one server (host:port with an address);
	// nil: a dnsq.Client for that server.
	At       func(server string) Querier
	PublicIP string   // pinned by the spec; "" to discover it
	Lookups  []Lookup // public-IP discovery, in order of preference
	EHLOIP   string   // the address the server's EHLO reply named, "" if none
	DNSBL    []string // blocklist zones
	// SPFDomain is the sender's domain whose SPF must cover the public
	// IP; "" skips SPF.
	SPFDomain string
}

// DefaultDNSBL are the blocklists checked when a spec names none: the
// public lists Microsoft 365 and most receivers consult (FACTS.md 6.1,
// 6.2). Spamhaus ZEN combines SBL, XBL and PBL.
var DefaultDNSBL = []string{"zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net"}

// Check establishes the public IP and, when it is a public address,
// queries the blocklists, its reverse DNS and the SPF record in
// parallel, all within ctx.
func Check(ctx context.Context, cfg Config) *transcript.Reputation {
	if cfg.At == nil {
		cfg.At = func(server string) Querier { return &dnsq.Client{Servers: []string{server}} }
	}
	rep := &transcript.Reputation{PublicIP: publicIP(ctx, cfg)}
	ip := net.ParseIP(rep.PublicIP.IP)
	if ip == nil || !Public(ip) {
		return rep
	}
	var wg sync.WaitGroup
	wg.Go(func() { rep.DNSBL = checkLists(ctx, cfg.DNS, ip, cfg.DNSBL) })
	wg.Go(func() { rep.PTR = checkPTR(ctx, cfg.DNS, ip) })
	if cfg.SPFDomain != "" {
		wg.Go(func() { rep.SPF = CheckSPF(ctx, cfg.DNS, ip, cfg.SPFDomain) })
	}
	wg.Wait()
	return rep
}

// Public reports an address that can be a site's identity on the
// internet: not loopback, private (RFC 1918, ULA), link-local,
// unspecified or multicast. Documentation ranges count as public, so
// tests can use them.
func Public(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
		ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast())
}

// addrType is the record type that holds addresses of ip's family.
func addrType(ip net.IP) uint16 {
	if ip.To4() != nil {
		return dns.TypeA
	}
	return dns.TypeAAAA
}
