package runner

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/dnsq"
	"github.com/smtpspec/smtpspec/transcript"
)

// resolve finds the addresses to connect to: an address literal is
// itself, a host name its A and AAAA records, an mx_domain the addresses
// of its most preferred MX host. Every query and its outcome is recorded
// (transcript.Reachability.DNS), so NXDOMAIN, SERVFAIL, an empty answer
// and a silent resolver stay distinct findings.
func (s *session) resolve() transcript.StageResult {
	ctx, cancel := context.WithTimeout(s.ctx, s.budget(transcript.Resolve))
	defer cancel()
	ep := s.site.Endpoint
	if ep.Host != "" && net.ParseIP(ep.Host) != nil {
		s.addrs = []string{ep.Host}
		s.reach.Addresses = s.addrs
		return transcript.StageResult{Status: transcript.Pass}
	}
	c, legacy := s.dnsClient()
	if c == nil {
		return s.resolveLegacy(ctx, legacy)
	}
	prefix := ""
	if s.host == "" {
		mx, err := s.resolveMX(ctx, c, ep.MXDomain)
		if err != nil {
			return transcript.StageResult{Status: transcript.Fail, Err: err}
		}
		s.host, prefix, s.reach.MX = mx, "MX ", mx
	}
	addrs, err := s.resolveHost(ctx, c, s.host)
	if err != nil {
		return transcript.StageResult{Status: transcript.Fail, Err: err}
	}
	s.addrs, s.reach.Addresses = addrs, addrs
	return transcript.StageResult{Status: transcript.Pass, Note: resolvedNote(prefix, s.host, len(addrs))}
}

// resolveMX returns the most preferred MX host of domain.
func (s *session) resolveMX(ctx context.Context, c *dnsq.Client, domain string) (string, *transcript.Error) {
	a := s.query(ctx, c, domain, dns.TypeMX)
	if !a.OK() {
		return "", s.dnsError(a)
	}
	mxs := make([]*dns.MX, 0, len(a.RRs))
	for _, rr := range a.RRs {
		mxs = append(mxs, rr.(*dns.MX))
	}
	best := slices.MinFunc(mxs, func(x, y *dns.MX) int { return int(x.Preference) - int(y.Preference) })
	host := strings.TrimSuffix(best.Mx, ".")
	if host == "" {
		// RFC 7505: a null MX says the domain accepts no mail at all.
		return "", &transcript.Error{Kind: transcript.KindDNS, Text: domain + " has a null MX: it accepts no mail"}
	}
	return host, nil
}

// resolveHost asks A and AAAA at once; IPv4 addresses come first.
func (s *session) resolveHost(ctx context.Context, c *dnsq.Client, host string) ([]string, *transcript.Error) {
	var v4, v6 dnsq.Answer
	var wg sync.WaitGroup
	wg.Go(func() { v4 = c.Query(ctx, host, dns.TypeA) })
	wg.Go(func() { v6 = c.Query(ctx, host, dns.TypeAAAA) })
	wg.Wait()
	s.record(v4)
	s.record(v6)
	addrs := append(append([]string{}, v4.Records...), v6.Records...)
	if len(addrs) > 0 {
		return addrs, nil
	}
	// Both failed: the more telling failure speaks (a timeout or a
	// server failure over "no such name" over "no records").
	for _, o := range []string{transcript.DNSTimeout, transcript.DNSServFail, transcript.DNSRefused, transcript.DNSError, transcript.DNSNXDomain} {
		for _, a := range []dnsq.Answer{v4, v6} {
			if a.Outcome == o {
				return nil, s.dnsError(a)
			}
		}
	}
	return nil, &transcript.Error{Kind: transcript.KindDNS, Text: host + ": no A or AAAA records (the name exists, without addresses)"}
}

// query asks one question and records it.
func (s *session) query(ctx context.Context, c *dnsq.Client, name string, qtype uint16) dnsq.Answer {
	a := c.Query(ctx, name, qtype)
	s.record(a)
	return a
}

func (s *session) record(a dnsq.Answer) {
	s.reachMu.Lock()
	defer s.reachMu.Unlock()
	s.reach.DNS = append(s.reach.DNS, a.DNSAnswer)
}

// dnsError words a failed answer as the resolve stage's error. The kind
// is always dns (what `expect "resolve" { error = "dns" }` names), but
// when the site's own deadline ends the lookup it is a timeout like any
// other stage's.
func (s *session) dnsError(a dnsq.Answer) *transcript.Error {
	if s.ctx.Err() != nil && a.Outcome == transcript.DNSTimeout {
		return &transcript.Error{Kind: transcript.KindTimeout, Text: siteDeadline}
	}
	var text string
	switch a.Outcome {
	case transcript.DNSTimeout:
		text = fmt.Sprintf("no DNS answer for %s within %s (%s)", a.Name, s.budget(transcript.Resolve), a.Error)
	case transcript.DNSNXDomain:
		text = fmt.Sprintf("%s: no such domain (NXDOMAIN from %s)", a.Name, a.Server)
	case transcript.DNSNoData:
		text = fmt.Sprintf("%s: no %s records", a.Name, a.Type)
	case transcript.DNSServFail:
		text = fmt.Sprintf("lookup %s %s: server failure (SERVFAIL from %s)", a.Type, a.Name, a.Server)
	case transcript.DNSRefused:
		text = fmt.Sprintf("lookup %s %s: query refused (REFUSED from %s)", a.Type, a.Name, a.Server)
	default:
		text = fmt.Sprintf("lookup %s %s: %s", a.Type, a.Name, a.Error)
	}
	return &transcript.Error{Kind: transcript.KindDNS, Text: text}
}

// resolvedNote says "MX host → 2 addresses".
func resolvedNote(prefix, host string, n int) string {
	return fmt.Sprintf("%s%s → %s", prefix, host, addresses(n))
}

// addresses says "1 address", "2 addresses".
func addresses(n int) string {
	if n == 1 {
		return "1 address"
	}
	return fmt.Sprintf("%d addresses", n)
}
