package specs

import (
	"net"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/miekg/dns"

	"github.com/smtpspec/smtpspec/reputation"
	"github.com/smtpspec/smtpspec/transcript"
)

// Reputation is the reputation block: how the probe checks the site's
// public IP. Checked by default for direct_send and relay, whose port-25
// mail Microsoft 365 judges by the sending IP (FACTS.md 1.2, 6).
type Reputation struct {
	Enabled  bool
	Explicit bool     // the spec has a reputation block
	PublicIP string   // pinned public IP; "" to discover it
	Lookups  []string // public-IP discovery, "TYPE NAME @SERVER"
	DNSBL    []string // blocklist zones
	SPF      bool     // check that the sender domain's SPF covers the public IP
}

var reputationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "enabled"}, {Name: "public_ip"}, {Name: "public_ip_lookup"}, {Name: "dnsbl"}, {Name: "spf"},
	},
}

// reputation decodes the optional reputation block over the defaults.
func (d *decoder) reputation(sd *siteDecode, b *hcl.Block) {
	r := &sd.site.Reputation
	*r = Reputation{
		Enabled: sd.site.Method == transcript.DirectSend || sd.site.Method == transcript.Relay,
		Lookups: reputation.DefaultLookups,
		DNSBL:   reputation.DefaultDNSBL,
		SPF:     true,
	}
	if b == nil {
		return
	}
	r.Explicit, r.Enabled = true, true
	attrs := d.content(b.Body, b.Type, reputationSchema).Attributes
	if attr := attrs["enabled"]; attr != nil {
		r.Enabled, _ = d.boolean(attr)
	}
	if attr := attrs["spf"]; attr != nil {
		r.SPF, _ = d.boolean(attr)
	}
	if attr := attrs["public_ip"]; attr != nil {
		r.PublicIP = d.publicIP(attr)
	}
	if r.PublicIP != "" {
		// A pinned IP needs no discovery; lookups named explicitly still
		// run, to compare.
		r.Lookups = nil
	}
	if attr := attrs["public_ip_lookup"]; attr != nil {
		if list, ranges, ok := d.strList(attr); ok {
			r.Lookups = list
			for i, l := range list {
				if _, err := reputation.ParseLookup(l); err != nil {
					d.errorAt(ranges[i], "Invalid public IP lookup", "%v.", err)
				}
			}
		}
	}
	if attr := attrs["dnsbl"]; attr != nil {
		if list, ranges, ok := d.strList(attr); ok {
			r.DNSBL = list
			for i, z := range list {
				if _, ok := dns.IsDomainName(z); !ok || !strings.Contains(strings.Trim(z, "."), ".") {
					d.errorAt(ranges[i], "Invalid blocklist", "%q is not a blocklist zone like \"zen.spamhaus.org\".", z)
				}
			}
		}
	}
}

// publicIP reads a pinned public IP, which must be an address Microsoft
// 365 could see (not private, loopback or link-local).
func (d *decoder) publicIP(attr *hcl.Attribute) string {
	s, ok := d.str(attr)
	if !ok {
		return ""
	}
	ip := net.ParseIP(s)
	switch {
	case ip == nil:
		d.errorAt(attr.Expr.Range(), "Invalid public IP", "public_ip is the site's public address, like \"203.0.113.7\"; got %q.", s)
		return ""
	case !reputation.Public(ip):
		d.errorAt(attr.Expr.Range(), "Not a public IP",
			"%s is a private, loopback or link-local address: Microsoft 365 sees the site's public (NAT) address. "+
				"Leave public_ip out to discover it.", s)
		return ""
	}
	return ip.String()
}
