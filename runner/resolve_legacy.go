package runner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// resolveLegacy resolves through a runner.Resolver (an injected one, or
// the standard library's when no DNS server can be read from the
// system): the host's addresses, or those of the most preferred MX host
// of mx_domain. It cannot tell NXDOMAIN from SERVFAIL as finely as the
// DNS client path, and records no DNS answers.
func (s *session) resolveLegacy(ctx context.Context, r Resolver) transcript.StageResult {
	ep := s.site.Endpoint
	prefix := ""
	if ep.Host == "" {
		mx, err := lookupMX(ctx, r, ep.MXDomain, s.dnsFailure)
		if err != nil {
			return transcript.StageResult{Status: transcript.Fail, Err: err}
		}
		s.host, prefix = mx, "MX "
	}
	addrs, err := r.LookupHost(ctx, s.host)
	if err == nil && len(addrs) == 0 {
		err = &net.DNSError{Err: "no addresses", Name: s.host, IsNotFound: true}
	}
	if err != nil {
		return transcript.StageResult{Status: transcript.Fail, Err: s.dnsFailure(err, s.host)}
	}
	s.addrs = addrs
	return transcript.StageResult{Status: transcript.Pass, Note: resolvedNote(prefix, s.host, len(addrs))}
}

// lookupMX returns the host of domain's most preferred MX record.
func lookupMX(ctx context.Context, r Resolver, domain string, failure func(error, string) *transcript.Error) (string, *transcript.Error) {
	mxs, err := r.LookupMX(ctx, domain)
	if err == nil && len(mxs) == 0 {
		err = &net.DNSError{Err: "no MX records", Name: domain, IsNotFound: true}
	}
	if err != nil {
		return "", failure(err, domain)
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
	timeout := fmt.Sprintf("no DNS answer for %s within %s", name, s.budget(transcript.Resolve))
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
