// Package dnsq asks DNS servers one question at a time and classifies the
// answer the way a technician reads dig: answered, no data, NXDOMAIN,
// SERVFAIL, refused, timeout. The probe needs those apart (a typo, a
// broken resolver and a firewall dropping UDP 53 call for different
// fixes), which the standard library's resolver folds into one error.
//
// It is a stub resolver: it sends recursive queries to the servers it is
// given and never iterates from the root. It does not cache, and does
// not validate DNSSEC (a validating resolver reports failures as SERVFAIL,
// which is what the probe records).
package dnsq

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/transcript"
)

// Client sends queries to Servers, in order: the next server is asked
// when one times out, fails or refuses, within the caller's deadline.
type Client struct {
	Servers []string // host:port
	// Retransmit is how long a UDP query waits before it is sent again on
	// the same socket (an answer to any copy counts); 0 means 1s.
	Retransmit time.Duration
}

// DefaultTimeout bounds a query whose context has no deadline.
const DefaultTimeout = 5 * time.Second

// Answer is one query's outcome: the record for the transcript and the
// typed records for the caller.
type Answer struct {
	transcript.DNSAnswer
	RRs []dns.RR // records of the asked type (CNAMEs in the chain left out)
}

// OK reports an answer with records of the asked type.
func (a Answer) OK() bool { return a.Outcome == transcript.DNSAnswered }

// Query asks name's records of type qtype (dns.TypeA, dns.TypeMX, ...).
// It never returns an error: failures are Answers with an Outcome and an
// Error in words, because to the probe a failure is a finding.
func (c *Client) Query(ctx context.Context, name string, qtype uint16) Answer {
	start := time.Now()
	a := Answer{DNSAnswer: transcript.DNSAnswer{Name: strings.TrimSuffix(name, "."), Type: dns.TypeToString[qtype]}}
	if len(c.Servers) == 0 {
		a.Outcome, a.Error = transcript.DNSError, "no DNS server configured"
		return a
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	m.SetEdns0(udpSize, false) // room for long SPF TXT answers without TCP
	for i, server := range c.Servers {
		sctx, cancel := serverContext(ctx, len(c.Servers)-i)
		r, err := c.exchange(sctx, server, m)
		a.Server = server
		a.fill(r, err, qtype, sctx)
		cancel()
		if a.Outcome == transcript.DNSAnswered || a.Outcome == transcript.DNSNoData || a.Outcome == transcript.DNSNXDomain {
			break
		}
		if ctx.Err() != nil {
			break
		}
	}
	a.Duration = time.Since(start)
	return a
}

// serverContext gives one of n remaining servers its share of the time
// left, so that a silent first server leaves time for the others.
func serverContext(ctx context.Context, n int) (context.Context, context.CancelFunc) {
	deadline, _ := ctx.Deadline()
	share := time.Until(deadline) / time.Duration(n)
	return context.WithTimeout(ctx, share)
}

// fill classifies the reply r (or err) to the question.
func (a *Answer) fill(r *dns.Msg, err error, qtype uint16, ctx context.Context) {
	a.Records, a.RRs, a.Rcode, a.Error = nil, nil, "", ""
	if err != nil {
		a.Outcome, a.Error = transcript.DNSError, fmt.Sprintf("%s: %v", a.Server, err)
		if isTimeout(err) || ctx.Err() != nil {
			a.Outcome, a.Error = transcript.DNSTimeout, "no answer from "+a.Server
		}
		return
	}
	a.Rcode = dns.RcodeToString[r.Rcode]
	switch r.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		a.Outcome, a.Error = transcript.DNSNXDomain, "no such domain (NXDOMAIN)"
		return
	case dns.RcodeServerFailure:
		a.Outcome, a.Error = transcript.DNSServFail, "server failure (SERVFAIL)"
		return
	case dns.RcodeRefused:
		a.Outcome, a.Error = transcript.DNSRefused, "query refused (REFUSED)"
		return
	default:
		a.Outcome, a.Error = transcript.DNSError, "answered "+a.Rcode
		return
	}
	for _, rr := range r.Answer {
		if rr.Header().Rrtype != qtype {
			continue
		}
		a.RRs = append(a.RRs, rr)
		a.Records = append(a.Records, Data(rr))
	}
	a.Outcome = transcript.DNSAnswered
	if len(a.RRs) == 0 {
		a.Outcome, a.Error = transcript.DNSNoData, "no "+dns.TypeToString[qtype]+" records"
	}
}

// Data is a record's data as dig prints it, without the owner and TTL:
// an address, "10 mx.example.com", the TXT strings joined (RFC 7208
// section 3.3 joins them without spaces), a PTR name without its dot.
func Data(rr dns.RR) string {
	switch v := rr.(type) {
	case *dns.A:
		return v.A.String()
	case *dns.AAAA:
		return v.AAAA.String()
	case *dns.MX:
		return strconv.Itoa(int(v.Preference)) + " " + strings.TrimSuffix(v.Mx, ".")
	case *dns.TXT:
		return strings.Join(v.Txt, "")
	case *dns.PTR:
		return strings.TrimSuffix(v.Ptr, ".")
	}
	h := rr.Header().String()
	return strings.TrimSpace(strings.TrimPrefix(rr.String(), h))
}

func isTimeout(err error) bool {
	var ne net.Error
	if ok := asNetError(err, &ne); ok && ne.Timeout() {
		return true
	}
	return strings.Contains(err.Error(), "i/o timeout")
}
