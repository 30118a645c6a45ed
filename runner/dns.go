package runner

import (
	"net"

	"github.com/smtpspec/smtpspec/dnsq"
)

// systemResolvers is read by dnsClient when neither the spec nor the
// options name a DNS server; a variable so that no test can reach the
// system's resolvers by accident (see dns_test.go).
var systemResolvers = func() (*dnsq.Client, error) { return dnsq.System(dnsq.SystemConfig) }

// dnsClient returns the DNS client the probe asks: the spec's
// dns.resolver, else ProbeOptions.DNSServers, else the system's
// resolvers. It returns nil and the Resolver to use instead when the
// caller injected one (ProbeOptions.Resolver), or when the system's
// resolvers cannot be read (then the standard library resolves).
func (s *session) dnsClient() (*dnsq.Client, Resolver) {
	switch {
	case s.site.DNS.Resolver != "":
		return &dnsq.Client{Servers: []string{s.site.DNS.Resolver}}, nil
	case len(s.opts.DNSServers) > 0:
		return &dnsq.Client{Servers: s.opts.DNSServers}, nil
	case s.opts.Resolver != nil:
		return nil, s.opts.Resolver
	}
	c, err := systemResolvers()
	if err != nil {
		return nil, net.DefaultResolver
	}
	return c, nil
}
