package reputation

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/transcript"
)

// SPF limits of RFC 7208 section 4.6.4: DNS-querying terms per check,
// void lookups, and addresses looked up per mx or ptr term.
const (
	spfLookupLimit = 10
	spfVoidLimit   = 2
	spfMXLimit     = 10
)

// CheckSPF evaluates domain's SPF record for ip (RFC 7208 check_host):
// ip4, ip6, a, mx, ptr, exists, include, all and redirect, with the
// lookup and void-lookup limits. An include loop is reported as a
// permerror. Macros are expanded for the letters s, l, o, d, i, v and h;
// the probe has no real sender, so s is postmaster@domain.
func CheckSPF(ctx context.Context, q Querier, ip net.IP, domain string) *transcript.SPFResult {
	e := &spfEval{ctx: ctx, q: q, ip: ip, sender: "postmaster@" + domain}
	r := &transcript.SPFResult{Domain: domain, IP: ip.String()}
	res, mech, err := e.checkHost(domain, nil)
	r.Result, r.Mechanism, r.Record, r.Lookups = res, mech, e.record, e.lookups
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

type spfEval struct {
	ctx     context.Context
	q       Querier
	ip      net.IP
	sender  string
	lookups int
	voids   int
	record  string // the top-level domain's record
}

// checkHost evaluates domain; chain holds the includes that led here.
func (e *spfEval) checkHost(domain string, chain []string) (string, string, error) {
	for _, d := range chain {
		if strings.EqualFold(d, domain) {
			return transcript.SPFPermError, "", fmt.Errorf("include loop: %s → %s", strings.Join(chain, " → "), domain)
		}
	}
	chain = append(chain, domain)
	rec, res, err := e.fetch(domain)
	if err != nil || rec == "" {
		return res, "", err
	}
	if len(chain) == 1 {
		e.record = rec
	}
	var redirect string
	for _, term := range strings.Fields(rec)[1:] {
		if name, value, ok := modifier(term); ok {
			if name == "redirect" {
				redirect = value
			}
			continue
		}
		qual, mech := qualifier(term)
		match, err := e.mechanism(domain, mech, chain)
		if err != nil {
			return errResult(err), term, err
		}
		if match {
			return qual, term, nil
		}
	}
	if redirect == "" {
		return transcript.SPFNeutral, "", nil
	}
	if err := e.count(); err != nil {
		return transcript.SPFPermError, "redirect=" + redirect, err
	}
	target, err := e.expand(redirect, domain)
	if err != nil {
		return transcript.SPFPermError, "redirect=" + redirect, err
	}
	res, mech, err := e.checkHost(target, chain[:len(chain)-1])
	if res == transcript.SPFNone {
		return transcript.SPFPermError, "redirect=" + redirect, fmt.Errorf("redirect=%s: %s has no SPF record", redirect, target)
	}
	return res, mech, err
}

// spfTempError marks a DNS failure: the result is temperror.
type spfTempError struct{ error }

func errResult(err error) string {
	if _, ok := err.(spfTempError); ok {
		return transcript.SPFTempError
	}
	return transcript.SPFPermError
}

// fetch returns domain's one SPF record, or the result when it has none.
func (e *spfEval) fetch(domain string) (string, string, error) {
	a := e.q.Query(e.ctx, domain, dns.TypeTXT)
	switch a.Outcome {
	case transcript.DNSAnswered, transcript.DNSNoData, transcript.DNSNXDomain:
	default:
		return "", transcript.SPFTempError, fmt.Errorf("TXT %s: %s", domain, a.Error)
	}
	var recs []string
	for _, r := range a.Records {
		if l := strings.ToLower(r); l == "v=spf1" || strings.HasPrefix(l, "v=spf1 ") {
			recs = append(recs, r)
		}
	}
	switch len(recs) {
	case 0:
		return "", transcript.SPFNone, nil
	case 1:
		return recs[0], "", nil
	}
	return "", transcript.SPFPermError, fmt.Errorf("%s has %d SPF records, and may have only one", domain, len(recs))
}

// modifier splits name=value terms.
func modifier(term string) (string, string, bool) {
	name, value, ok := strings.Cut(term, "=")
	if !ok || strings.ContainsAny(name, ":/") {
		return "", "", false
	}
	return strings.ToLower(name), value, true
}

// qualifier returns the result a matching term gives, and the mechanism.
func qualifier(term string) (string, string) {
	switch term[0] {
	case '+':
		return transcript.SPFPass, term[1:]
	case '-':
		return transcript.SPFFail, term[1:]
	case '~':
		return transcript.SPFSoftFail, term[1:]
	case '?':
		return transcript.SPFNeutral, term[1:]
	}
	return transcript.SPFPass, term
}

// count charges one DNS-querying term against the limit.
func (e *spfEval) count() error {
	e.lookups++
	if e.lookups > spfLookupLimit {
		return fmt.Errorf("more than %d DNS lookups (RFC 7208 4.6.4): receivers treat the record as broken", spfLookupLimit)
	}
	return nil
}

// mechanism reports whether one mechanism matches the IP.
func (e *spfEval) mechanism(domain, mech string, chain []string) (bool, error) {
	name, arg, hasArg := strings.Cut(mech, ":")
	if !hasArg {
		name, arg, _ = strings.Cut(mech, "/")
		if arg != "" {
			arg = "/" + arg
		}
	}
	name = strings.ToLower(name)
	switch name {
	case "all":
		return true, nil
	case "ip4", "ip6":
		return matchNet(e.ip, name, arg)
	case "a", "mx", "ptr", "exists", "include":
	default:
		return false, fmt.Errorf("unknown mechanism %q", mech)
	}
	if err := e.count(); err != nil {
		return false, err
	}
	target, cidr4, cidr6, err := e.domainSpec(arg, domain, hasArg)
	if err != nil {
		return false, err
	}
	switch name {
	case "include":
		if !hasArg {
			return false, fmt.Errorf("include without a domain")
		}
		res, _, err := e.checkHost(target, chain)
		switch res {
		case transcript.SPFPass:
			return true, nil
		case transcript.SPFTempError:
			return false, spfTempError{err}
		case transcript.SPFPermError:
			return false, err
		case transcript.SPFNone:
			return false, fmt.Errorf("include:%s: %s has no SPF record", arg, target)
		}
		return false, nil
	case "exists":
		ips, err := e.addrs(target, dns.TypeA)
		return len(ips) > 0, err
	case "a":
		return e.matchHost(target, cidr4, cidr6)
	case "mx":
		return e.matchMX(target, cidr4, cidr6)
	}
	return e.matchPTR(target)
}

// domainSpec expands a term's domain (or takes the current one) and
// splits off the "/24//64" prefix lengths of a and mx.
func (e *spfEval) domainSpec(arg, domain string, hasArg bool) (string, int, int, error) {
	cidr4, cidr6 := 32, 128
	spec := arg
	if i := strings.Index(arg, "/"); i >= 0 {
		spec = arg[:i]
		v4, v6, _ := strings.Cut(arg[i+1:], "//")
		if strings.HasPrefix(arg[i:], "//") {
			v4, v6 = "", arg[i+2:]
		}
		var err error
		if v4 != "" {
			if cidr4, err = strconv.Atoi(v4); err != nil || cidr4 < 0 || cidr4 > 32 {
				return "", 0, 0, fmt.Errorf("bad prefix length in %q", arg)
			}
		}
		if v6 != "" {
			if cidr6, err = strconv.Atoi(v6); err != nil || cidr6 < 0 || cidr6 > 128 {
				return "", 0, 0, fmt.Errorf("bad prefix length in %q", arg)
			}
		}
	}
	if !hasArg || spec == "" {
		return domain, cidr4, cidr6, nil
	}
	target, err := e.expand(spec, domain)
	return target, cidr4, cidr6, err
}

// addrs looks up name's addresses of one type; no such name or no data
// counts as a void lookup, and a DNS failure is a temperror.
func (e *spfEval) addrs(name string, qtype uint16) ([]net.IP, error) {
	a := e.q.Query(e.ctx, name, qtype)
	switch a.Outcome {
	case transcript.DNSAnswered:
	case transcript.DNSNXDomain, transcript.DNSNoData:
		e.voids++
		if e.voids > spfVoidLimit {
			return nil, fmt.Errorf("more than %d lookups found nothing (RFC 7208 4.6.4)", spfVoidLimit)
		}
		return nil, nil
	default:
		return nil, spfTempError{fmt.Errorf("%s %s: %s", dns.TypeToString[qtype], name, a.Error)}
	}
	var out []net.IP
	for _, r := range a.Records {
		if ip := net.ParseIP(r); ip != nil {
			out = append(out, ip)
		}
	}
	return out, nil
}

func (e *spfEval) matchHost(name string, cidr4, cidr6 int) (bool, error) {
	ips, err := e.addrs(name, addrType(e.ip))
	for _, ip := range ips {
		if inPrefix(e.ip, ip, cidr4, cidr6) {
			return true, nil
		}
	}
	return false, err
}

func (e *spfEval) matchMX(domain string, cidr4, cidr6 int) (bool, error) {
	a := e.q.Query(e.ctx, domain, dns.TypeMX)
	switch a.Outcome {
	case transcript.DNSAnswered:
	case transcript.DNSNXDomain, transcript.DNSNoData:
		e.voids++
		if e.voids > spfVoidLimit {
			return false, fmt.Errorf("more than %d lookups found nothing (RFC 7208 4.6.4)", spfVoidLimit)
		}
		return false, nil
	default:
		return false, spfTempError{fmt.Errorf("MX %s: %s", domain, a.Error)}
	}
	if len(a.RRs) > spfMXLimit {
		return false, fmt.Errorf("mx:%s has more than %d MX hosts", domain, spfMXLimit)
	}
	for _, rr := range a.RRs {
		if ok, err := e.matchHost(rr.(*dns.MX).Mx, cidr4, cidr6); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// matchPTR: a validated reverse name of the IP ends in domain.
func (e *spfEval) matchPTR(domain string) (bool, error) {
	arpa, _ := dns.ReverseAddr(e.ip.String())
	a := e.q.Query(e.ctx, arpa, dns.TypePTR)
	for i, name := range a.Records {
		if i == spfMXLimit {
			break
		}
		n := strings.ToLower(name)
		d := strings.ToLower(domain)
		if n != d && !strings.HasSuffix(n, "."+d) {
			continue
		}
		if ok, _ := e.matchHost(name, 32, 128); ok {
			return true, nil
		}
	}
	return false, nil
}

func matchNet(ip net.IP, kind, arg string) (bool, error) {
	s := arg
	if !strings.Contains(s, "/") {
		s += map[string]string{"ip4": "/32", "ip6": "/128"}[kind]
	}
	_, n, err := net.ParseCIDR(s)
	if err != nil || (kind == "ip4") != (n.IP.To4() != nil) {
		return false, fmt.Errorf("%s:%s is not a valid network", kind, arg)
	}
	return n.Contains(ip), nil
}

func inPrefix(ip, host net.IP, cidr4, cidr6 int) bool {
	bits, size := cidr6, 128
	if ip.To4() != nil {
		bits, size = cidr4, 32
		if host.To4() == nil {
			return false
		}
	}
	n := net.IPNet{IP: host.Mask(net.CIDRMask(bits, size)), Mask: net.CIDRMask(bits, size)}
	return n.Contains(ip)
}
