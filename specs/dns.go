package specs

import (
	"net"
	"path"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/dnsq"
	"github.com/smtpspec/smtpspec/transcript"
)

// DNS is the optional dns block: which resolver the probe asks.
type DNS struct {
	// Resolver is host:port of the resolver to ask, as the device would
	// (its configured DNS server); "" means the system's resolvers.
	Resolver string
}

var dnsSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "resolver"}}}

// dns decodes the dns block.
func (d *decoder) dns(sd *siteDecode, b *hcl.Block) {
	if b == nil {
		return
	}
	attrs := d.content(b.Body, b.Type, dnsSchema).Attributes
	attr := attrs["resolver"]
	if attr == nil {
		return
	}
	s, ok := d.str(attr)
	if !ok {
		return
	}
	addr, err := dnsq.ServerAddr(s)
	if err != nil {
		d.errorAt(attr.Expr.Range(), "Invalid resolver",
			"resolver is the address of a DNS server, like \"10.0.0.53\" or \"10.0.0.53:53\" (port 53 by default): %v.", err)
		return
	}
	if host, _, _ := net.SplitHostPort(addr); net.ParseIP(host) == nil {
		d.errorAt(attr.Expr.Range(), "Invalid resolver",
			"resolver must be an IP address, like \"10.0.0.53\": a resolver named by a host name would need another resolver to find it.")
		return
	}
	sd.site.DNS.Resolver = addr
}

// resolveExpect decodes what expect "resolve" can pin: the MX host (a
// glob) and the addresses the answers must fall in.
func (d *decoder) resolveExpect(sd *siteDecode, e *checks.Expect, attrs hcl.Attributes) {
	for _, name := range []string{"mx", "addresses"} {
		if attr := attrs[name]; attr != nil && e.Stage != transcript.Resolve {
			d.errorAt(attr.NameRange, "Only for the resolve stage",
				"%s pins what DNS answered, so it belongs in expect \"resolve\", not expect %q.", name, e.Stage)
		}
	}
	if e.Stage != transcript.Resolve {
		return
	}
	if attr := attrs["mx"]; attr != nil {
		if s, ok := d.word(attr, "*.mail.protection.outlook.com"); ok {
			if _, err := path.Match(s, ""); err != nil {
				d.errorAt(attr.Expr.Range(), "Invalid mx pattern", "mx is a host name or a glob like \"*.mail.protection.outlook.com\": %v.", err)
			}
			if sd.site.Endpoint.MXDomain == "" && sd.site.Endpoint.Host != "" {
				d.errorAt(attr.NameRange, "No MX lookup",
					"mx pins the MX host of endpoint.mx_domain, but this site connects to host = %q and looks up no MX.", sd.site.Endpoint.Host)
			}
			e.MX = s
		}
	}
	if attr := attrs["addresses"]; attr != nil {
		list, ranges, ok := d.strList(attr)
		if !ok {
			return
		}
		for i, a := range list {
			if net.ParseIP(a) == nil {
				if _, _, err := net.ParseCIDR(a); err != nil {
					d.errorAt(ranges[i], "Invalid address", "%q is neither an IP address nor a CIDR prefix like \"52.101.0.0/16\".", a)
				}
			}
		}
		e.Addresses = list
	}
}
