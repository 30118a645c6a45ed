package dnsq

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// SystemConfig is where the system's resolvers are listed.
const SystemConfig = "/etc/resolv.conf"

// System returns a client for the resolvers the system uses (the
// nameserver lines of path, normally SystemConfig).
func System(path string) (*Client, error) {
	cfg, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the system's resolvers: %w", err)
	}
	if len(cfg.Servers) == 0 {
		return nil, fmt.Errorf("reading the system's resolvers: %s lists no nameserver", path)
	}
	c := &Client{}
	for _, s := range cfg.Servers {
		c.Servers = append(c.Servers, net.JoinHostPort(s, cfg.Port))
	}
	return c, nil
}

// ServerAddr turns a server as a spec writes it ("10.0.0.53",
// "10.0.0.53:5353", "[2001:db8::53]:53", "2001:db8::53", "ns1.google.com")
// into host:port, with port 53 by default.
func ServerAddr(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("empty server address")
	}
	if ip := net.ParseIP(strings.Trim(s, "[]")); ip != nil {
		return net.JoinHostPort(ip.String(), "53"), nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if strings.Contains(s, ":") {
			return "", fmt.Errorf("%q is not host:port", s)
		}
		return net.JoinHostPort(s, "53"), nil
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("%q: port %q is not a number from 1 to 65535", s, port)
	}
	if host == "" {
		return "", fmt.Errorf("%q has no host", s)
	}
	return net.JoinHostPort(host, port), nil
}
