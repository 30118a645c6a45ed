package reputation

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/transcript"
)

// checkLists queries every zone in parallel.
func checkLists(ctx context.Context, q Querier, ip net.IP, zones []string) []transcript.DNSBLResult {
	out := make([]transcript.DNSBLResult, len(zones))
	var wg sync.WaitGroup
	for i, z := range zones {
		wg.Go(func() { out[i] = CheckList(ctx, q, ip, z) })
	}
	wg.Wait()
	return out
}

// CheckList asks zone whether it lists ip: an A record under the
// reversed address (RFC 5782). No such name is a clean answer; an answer
// in 127.0.0.0/8 is a listing, decoded where the list is known; any
// error, and the 127.255.255.x error codes Spamhaus returns to queries
// through public resolvers or over the rate limit, is unknown.
func CheckList(ctx context.Context, q Querier, ip net.IP, zone string) transcript.DNSBLResult {
	zone = strings.TrimSuffix(strings.ToLower(zone), ".")
	r := transcript.DNSBLResult{Zone: zone, Query: ReverseName(ip) + "." + zone, Status: transcript.ListUnknown}
	a := q.Query(ctx, r.Query, dns.TypeA)
	switch a.Outcome {
	case transcript.DNSNXDomain, transcript.DNSNoData:
		r.Status, r.Meaning = transcript.ListClean, "not listed"
		return r
	case transcript.DNSAnswered:
	default:
		r.Meaning = "the list did not answer: " + a.Error
		return r
	}
	r.Codes = a.Records
	var meanings, errs []string
	policy := true
	for _, c := range a.Records {
		code := net.ParseIP(c).To4()
		switch {
		case code == nil || code[0] != 127:
			errs = append(errs, fmt.Sprintf("%s is not a blocklist answer (the resolver rewrites answers, e.g. NXDOMAIN redirection)", c))
		case code[1] == 255 && code[2] == 255:
			errs = append(errs, errorCode(c, code[3]))
		default:
			list, meaning, isPolicy := decode(zone, code)
			if !slices.Contains(r.Lists, list) {
				r.Lists = append(r.Lists, list)
			}
			meanings = append(meanings, meaning)
			policy = policy && isPolicy
		}
	}
	if len(meanings) == 0 {
		r.Meaning = strings.Join(errs, "; ")
		return r
	}
	r.Status, r.Policy = transcript.ListListed, policy
	r.Meaning = strings.Join(meanings, "; ")
	return r
}

// errorCode explains Spamhaus' 127.255.255.x replies (FACTS.md 6.1):
// they must never be read as a listing.
func errorCode(c string, last byte) string {
	switch last {
	case 252:
		return c + ": error, the list's name is mistyped"
	case 254:
		return c + ": error, the query came through a public or unattributable resolver, which the list does not answer; query it through the site's own resolver"
	case 255:
		return c + ": error, too many queries (rate limited)"
	}
	return c + ": error code of the list, not a listing"
}

// decode reads a return code of a known list: the sub-list it names, in
// words, and whether it is a policy listing (a range that should not
// send mail directly) rather than one for abuse.
func decode(zone string, code net.IP) (list, meaning string, policy bool) {
	last := code[3]
	switch {
	case strings.Contains(zone, "spamhaus"):
		switch {
		case last == 2:
			return "SBL", "SBL: a known spam source or spam operation", false
		case last == 3:
			return "CSS", "CSS: low-reputation or snowshoe sending seen from this IP", false
		case last >= 4 && last <= 7:
			return "XBL", "XBL: an infected or hijacked host (exploits, botnet, open proxy)", false
		case last == 9:
			return "DROP", "DROP: a hijacked or criminal network", false
		case last == 10:
			return "PBL", "PBL (listed by the ISP): a dynamic or residential range that should not send mail directly", true
		case last == 11:
			return "PBL", "PBL (listed by Spamhaus): a dynamic or residential range that should not send mail directly", true
		}
	case strings.Contains(zone, "barracuda"):
		return "BRBL", "Barracuda Reputation Block List: poor sending reputation", false
	case strings.Contains(zone, "spamcop"):
		return "SpamCop", "SpamCop: reported as a spam source", false
	}
	return zone, fmt.Sprintf("listed on %s (%s)", zone, code), false
}

// ReverseName is ip in blocklist order: "7.113.0.203" for 203.0.113.7,
// nibbles for IPv6 (RFC 5782 section 2.4).
func ReverseName(ip net.IP) string {
	arpa, err := dns.ReverseAddr(ip.String())
	if err != nil {
		return ""
	}
	arpa = strings.TrimSuffix(arpa, ".")
	arpa = strings.TrimSuffix(arpa, ".in-addr.arpa")
	return strings.TrimSuffix(arpa, ".ip6.arpa")
}
