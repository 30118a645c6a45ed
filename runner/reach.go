package runner

import (
	"context"
	"net"
	"strings"

	"github.com/smtpspec/smtpspec/reputation"
	"github.com/smtpspec/smtpspec/transcript"
)

// finishReach completes the reachability record after the SMTP stages:
// the connect attempts still running, then the site's reputation. The
// reputation checks get the connect deadline, within the site's total.
func (s *session) finishReach() {
	s.finishConnect()
	s.t.Reach = s.reach
	why := s.reputationSkipped()
	if why != "" {
		s.reach.ReputationSkipped = why
		return
	}
	c, _ := s.dnsClient()
	ctx, cancel := context.WithTimeout(s.ctx, s.budget(transcript.Connect))
	defer cancel()
	r := s.site.Reputation
	cfg := reputation.Config{DNS: c, PublicIP: r.PublicIP, EHLOIP: s.ehloAddress()}
	for _, l := range r.Lookups {
		if lk, err := reputation.ParseLookup(l); err == nil {
			cfg.Lookups = append(cfg.Lookups, lk)
		}
	}
	cfg.DNSBL = r.DNSBL
	if r.SPF {
		cfg.SPFDomain = senderDomain(s.site.Envelope.From)
	}
	s.reach.Reputation = reputation.Check(ctx, cfg)
}

// reputationSkipped says why the site's reputation is not checked, or "".
func (s *session) reputationSkipped() string {
	r := s.site.Reputation
	switch {
	case !r.Enabled && r.Explicit:
		return "reputation.enabled is false"
	case !r.Enabled:
		return "not checked for " + string(s.site.Method) + " (on by default for direct_send and relay)"
	case !r.Explicit && loopbackHost(s.site.Endpoint.Host):
		// A server on loopback sees the probe as 127.0.0.1: nothing about
		// the site's public IP can be learnt, and no query leaves the host.
		return "the endpoint is on loopback; add a reputation block to check anyway"
	case s.resolverTimedOut():
		return "the resolver did not answer at resolve"
	}
	if c, _ := s.dnsClient(); c == nil {
		return "names are resolved by an injected resolver; set dns.resolver to check reputation"
	}
	return ""
}

// resolverTimedOut: the site's resolver was silent at resolve, so every
// reputation query would wait for the deadline as well.
func (s *session) resolverTimedOut() bool {
	for _, a := range s.reach.DNS {
		if a.Outcome != transcript.DNSTimeout {
			return false
		}
	}
	return len(s.reach.DNS) > 0
}

// ehloAddress is the client address in the first EHLO reply ("Hello
// [203.0.113.7]"): the address the server saw.
func (s *session) ehloAddress() string { return ehloAddress(s.rec.lines) }

// EgressIP is the site's egress address as the server saw it: what its
// EHLO reply names ("250 ... Hello [203.0.113.7]": Exchange Online writes
// it, FACTS.md 2.1 and 2.2, and so does the simulator), "" when the
// server did not say or the probe never got that far.
func EgressIP(t *transcript.Transcript) string { return ehloAddress(t.Lines) }

func ehloAddress(lines []transcript.Line) string {
	for _, l := range lines {
		if l.Dir == transcript.Server && (l.Stage == transcript.EHLO || l.Stage == transcript.EHLOTLS) {
			if ip := reputation.EHLOAddress(l.Text); ip != "" {
				return ip
			}
		}
	}
	return ""
}

func loopbackHost(h string) bool {
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback() || strings.EqualFold(h, "localhost")
}

func senderDomain(from string) string {
	_, d, ok := strings.Cut(from, "@")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(d, ">")
}
