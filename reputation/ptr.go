package reputation

import (
	"context"
	"net"
	"strings"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// checkPTR looks up ip's reverse name, judges whether it looks generic,
// and whether it resolves back to ip. Receivers distrust generic names
// and refuse IPv6 senders without one (FACTS.md 1.2: 5.7.25).
func checkPTR(ctx context.Context, q Querier, ip net.IP) *transcript.PTRResult {
	r := &transcript.PTRResult{IP: ip.String()}
	arpa, _ := dns.ReverseAddr(ip.String())
	a := q.Query(ctx, arpa, dns.TypePTR)
	switch a.Outcome {
	case transcript.DNSAnswered:
		r.Names = a.Records
	case transcript.DNSNXDomain, transcript.DNSNoData:
		r.Reason = "no reverse DNS (PTR) for " + r.IP
		return r
	default:
		r.Error = a.Error
		return r
	}
	r.Generic, r.Reason = GenericName(r.Names[0], ip)
	fwd := q.Query(ctx, r.Names[0], addrType(ip))
	for _, rec := range fwd.Records {
		if got := net.ParseIP(rec); got != nil && got.Equal(ip) {
			r.Confirmed = true
		}
	}
	if !r.Confirmed && r.Reason == "" {
		r.Reason = r.Names[0] + " does not resolve back to " + r.IP
	}
	return r
}

// genericWords are labels ISPs use for dynamic and residential ranges.
var genericWords = lazyre.New(`(?i)(^|[.\-_\d])(dyn|dynamic|dhcp|pool|dsl|adsl|xdsl|vdsl|cable|cpe|ppp|pppoe|dial|dialup|client|cust|customer|residential|broadband|home|user|fibre|fiber|ftth|fios|mobile|wireless|lte|unassigned|nat)([.\-_\d]|$)`)

// GenericName reports whether name looks like an ISP's generic name for
// ip rather than a mail server's: it spells the address, or carries a
// word such as "dynamic", "dsl" or "pool".
func GenericName(name string, ip net.IP) (bool, string) {
	lower := strings.ToLower(name)
	if v4 := ip.To4(); v4 != nil {
		o := strings.Split(v4.String(), ".")
		rev := []string{o[3], o[2], o[1], o[0]}
		for _, parts := range [][]string{o, rev} {
			for _, sep := range []string{"-", ".", "_", ""} {
				if strings.Contains(lower, strings.Join(parts, sep)) {
					return true, name + " spells the address: a generic ISP name, typical of dynamic or residential ranges"
				}
			}
		}
	}
	if m := genericWords.FindStringSubmatch(lower); m != nil {
		return true, name + " contains \"" + m[2] + "\": a generic ISP name, typical of dynamic or residential ranges"
	}
	return false, ""
}
