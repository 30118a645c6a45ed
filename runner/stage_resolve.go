package runner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/transcript"
)

// resolve finds the addresses to connect to: an address literal is
// itself, a host name its A/AAAA records, an mx_domain the addresses of
// its most preferred MX host.
func (s *session) resolve() transcript.StageResult {
	ctx, cancel := context.WithTimeout(s.ctx, s.budget(checks.Resolve))
	defer cancel()
	ep := s.site.Endpoint
	if ep.Host != "" && net.ParseIP(ep.Host) != nil {
		s.addrs = []string{ep.Host}
		return transcript.StageResult{Status: transcript.Pass}
	}
	prefix := ""
	if ep.Host == "" {
		mx, err := s.lookupMX(ctx, ep.MXDomain)
		if err != nil {
			return transcript.StageResult{Status: transcript.Fail, Err: err}
		}
		s.host, prefix = mx, "MX "
	}
	addrs, err := s.opts.Resolver.LookupHost(ctx, s.host)
	if err == nil && len(addrs) == 0 {
		err = &net.DNSError{Err: "no addresses", Name: s.host, IsNotFound: true}
	}
	if err != nil {
		return transcript.StageResult{Status: transcript.Fail, Err: s.dnsFailure(err, s.host)}
	}
	s.addrs = addrs
	return transcript.StageResult{Status: transcript.Pass, Note: fmt.Sprintf("%s%s → %s", prefix, s.host, addresses(len(addrs)))}
}

// lookupMX returns the host of domain's most preferred MX record.
func (s *session) lookupMX(ctx context.Context, domain string) (string, *transcript.Error) {
	mxs, err := s.opts.Resolver.LookupMX(ctx, domain)
	if err == nil && len(mxs) == 0 {
		err = &net.DNSError{Err: "no MX records", Name: domain, IsNotFound: true}
	}
	if err != nil {
		return "", s.dnsFailure(err, domain)
	}
	best := mxs[0]
	for _, mx := range mxs[1:] {
		if mx.Pref < best.Pref {
			best = mx
		}
	}
	host := strings.TrimSuffix(best.Host, ".")
	if host == "" {
		// RFC 7505: a null MX says the domain accepts no mail at all.
		return "", &transcript.Error{Kind: transcript.KindDNS, Text: domain + " has a null MX: it accepts no mail"}
	}
	return host, nil
}

// dnsFailure words a lookup error of name. A cancellation or the site's
// deadline is reported as such; the rest is a DNS failure.
func (s *session) dnsFailure(err error, name string) *transcript.Error {
	timeout := fmt.Sprintf("no DNS answer for %s within %s", name, s.budget(checks.Resolve))
	if e := classify(s.ctx, err, name, timeout); e.Kind == transcript.KindTimeout && e.Text != timeout {
		return e
	}
	text := fmt.Sprintf("lookup %s: %v", name, err)
	var de *net.DNSError
	switch {
	case isTimeout(err):
		text = timeout
	case errors.As(err, &de) && de.IsNotFound:
		text = name + ": " + de.Err // "no such host", "no MX records"
	case errors.As(err, &de):
		text = fmt.Sprintf("lookup %s: %s", name, de.Err)
	}
	return &transcript.Error{Kind: transcript.KindDNS, Text: text, Err: err}
}

// addresses says "1 address", "2 addresses".
func addresses(n int) string {
	if n == 1 {
		return "1 address"
	}
	return fmt.Sprintf("%d addresses", n)
}
