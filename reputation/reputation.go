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
	"strings"
	"sync"
	"time"

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
// parallel, all within ctx. A public IP already known (pinned, or the
// server's "Hello [ip]") is checked at once, while discovery runs
// alongside for the mismatch warning; discovery only ever gets its own
// share of ctx (discoveryContext), so a silent discovery server cannot
// use up the checks' time.
func Check(ctx context.Context, cfg Config) *transcript.Reputation {
	if cfg.At == nil {
		cfg.At = func(server string) Querier { return &dnsq.Client{Servers: []string{server}} }
	}
	rep := &transcript.Reputation{}
	var disc, checks sync.WaitGroup
	dctx, cancel := discoveryContext(ctx)
	defer cancel()
	disc.Go(func() { rep.PublicIP = publicIP(dctx, cfg) })
	known := knownIP(cfg)
	if known != nil && Public(known) {
		runChecks(ctx, cfg, known, rep, &checks)
	}
	disc.Wait()
	cancel()
	if known == nil {
		if ip := net.ParseIP(rep.PublicIP.IP); ip != nil && Public(ip) {
			runChecks(ctx, cfg, ip, rep, &checks)
		}
	}
	if rep.PublicIP.IP == "" {
		rep.PublicIP.Error = unknownIP(cfg, rep.PublicIP)
	}
	checks.Wait()
	return rep
}

// knownIP is the public IP known without asking DNS, the way publicIP
// picks it: the pin, else the public address the server's EHLO named;
// nil when discovery must find it.
func knownIP(cfg Config) net.IP {
	if cfg.PublicIP != "" {
		return net.ParseIP(cfg.PublicIP)
	}
	if ip := net.ParseIP(cfg.EHLOIP); ip != nil && Public(ip) {
		return ip
	}
	return nil
}

// runChecks starts the blocklist, reverse DNS and SPF checks of ip on wg.
func runChecks(ctx context.Context, cfg Config, ip net.IP, rep *transcript.Reputation, wg *sync.WaitGroup) {
	wg.Go(func() { rep.DNSBL = checkLists(ctx, cfg.DNS, ip, cfg.DNSBL) })
	wg.Go(func() { rep.PTR = checkPTR(ctx, cfg.DNS, ip) })
	if cfg.SPFDomain != "" {
		wg.Go(func() { rep.SPF = CheckSPF(ctx, cfg.DNS, ip, cfg.SPFDomain) })
	}
}

// discoveryContext bounds public-IP discovery to half the time left in
// ctx: when the address is unknown the checks still get the other half,
// and when it is known a silent discovery server does not hold Check
// until ctx's own deadline.
func discoveryContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithTimeout(ctx, dnsq.DefaultTimeout)
	}
	return context.WithTimeout(ctx, time.Until(deadline)/2)
}

// unknownIP says why no public IP was found, naming each discovery
// lookup that failed and how.
func unknownIP(cfg Config, p *transcript.PublicIP) string {
	var failed []string
	for _, l := range p.Lookups {
		if l.Error != "" {
			failed = append(failed, l.Lookup+": "+l.Error)
		}
	}
	why := "no public IP: none is pinned (reputation public_ip), the server's EHLO reply named no public address"
	switch {
	case len(cfg.Lookups) == 0:
		return why + ", and no discovery lookup is configured"
	case len(failed) == 0:
		return why + ", and discovery found none"
	}
	return why + ", and every discovery lookup failed: " + strings.Join(failed, "; ")
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
