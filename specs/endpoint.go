package specs

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/transcript"
)

// endpoint decodes the required endpoint block.
func (d *decoder) endpoint(sd *siteDecode, b *hcl.Block) {
	s := sd.site
	s.Endpoint.TLS = transcript.StartTLS
	if sd.methodOK {
		s.Endpoint.Port = DefaultPort(s.Method)
	}
	if b == nil {
		d.errorAt(sd.block.DefRange, "Missing endpoint block",
			"A site needs an endpoint block saying where the device connects, like\n"+
				"  endpoint { host = \"smtp.office365.com\" }")
		return
	}
	c := d.content(b.Body, b.Type, endpointSchema)
	d.target(sd, b, c.Attributes["host"], c.Attributes["mx_domain"])
	if attr := c.Attributes["port"]; attr != nil {
		s.Endpoint.Port, _ = d.integer(attr, 1, 65535)
	}
	if attr := c.Attributes["tls"]; attr != nil {
		mode, ok := d.str(attr)
		if ok && d.oneOf(attr.Expr.Range(), "tls mode", mode, tlsModeNames) {
			s.Endpoint.TLS = transcript.TLSMode(mode)
		} else {
			sd.planOK = false
		}
	}
	s.Endpoint.ServerName = s.Endpoint.Host
	if attr := c.Attributes["server_name"]; attr != nil {
		s.Endpoint.ServerName, _ = d.word(attr, "smtp.office365.com")
	}
	if attr := c.Attributes["ca_file"]; attr != nil {
		s.Endpoint.CAFile = d.caFile(attr)
	}
	if attr := c.Attributes["insecure_skip_verify"]; attr != nil {
		s.Endpoint.InsecureSkipVerify, _ = d.boolean(attr)
	}
}

// target decodes host or mx_domain: exactly one, and mx_domain only for
// the methods that reach the tenant's MX.
func (d *decoder) target(sd *siteDecode, b *hcl.Block, host, mx *hcl.Attribute) {
	switch {
	case host == nil && mx == nil:
		d.errorAt(b.DefRange, "Missing host",
			"The endpoint needs host = \"smtp.office365.com\" (submission) or, for direct_send and relay, "+
				"the tenant's MX host (host = \"contoso-com.mail.protection.outlook.com\") or its domain "+
				"(mx_domain = \"contoso.com\").")
	case host != nil && mx != nil:
		d.errorAt(mx.NameRange, "Both host and mx_domain",
			"Give host (connect to that name) or mx_domain (look up the domain's MX and connect there), not both; "+
				"host is at %s.", at(host.NameRange))
	}
	if host != nil {
		sd.site.Endpoint.Host = d.host(host)
	}
	if mx == nil {
		return
	}
	if sd.methodOK && sd.site.Method == transcript.Submission {
		d.errorAt(mx.NameRange, "mx_domain with submission",
			"mx_domain is for direct_send and relay, which reach the tenant's MX. Submission connects to "+
				"host = \"smtp.office365.com\" on port 587.")
	}
	sd.site.Endpoint.MXDomain, _ = d.word(mx, "contoso.com")
}

// host reads a host name or address and catches the usual slips: a URL or
// host:port instead of a name.
func (d *decoder) host(attr *hcl.Attribute) string {
	h, ok := d.word(attr, "smtp.office365.com")
	if !ok {
		return ""
	}
	if strings.Contains(h, "/") || (strings.Contains(h, ":") && net.ParseIP(h) == nil) {
		d.errorAt(attr.Expr.Range(), "Invalid host",
			"host is a bare name or address, like \"smtp.office365.com\"; got %q. Put the port in port = 587 "+
				"and leave out any scheme such as smtp://.", h)
		return ""
	}
	return h
}

// caFile resolves ca_file against the spec's directory and checks that it
// holds at least one PEM certificate, so a typo fails now, not mid-probe.
func (d *decoder) caFile(attr *hcl.Attribute) string {
	p, ok := d.str(attr)
	if !ok {
		return ""
	}
	full := p
	if !filepath.IsAbs(p) {
		full = filepath.Join(d.dir, p)
	}
	pem, err := readLimited(full) // bounded: ca_file = "/dev/zero" must not hang validate
	// A CA file may be where the site runs and not here: only a site the
	// command uses must have it (reads.go).
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.unknowns++
		d.missingFile(attr.Expr.Range(), "CA file not found",
			full+" does not exist. A relative ca_file is found from the directory of the spec file.")
		return ""
	case err != nil:
		d.unknowns++
		d.missingFile(attr.Expr.Range(), "Cannot read CA file", fmt.Sprintf("Reading ca_file: %v.", err))
		return ""
	case !x509.NewCertPool().AppendCertsFromPEM(pem):
		d.errorAt(attr.Expr.Range(), "No certificates in CA file",
			"%s holds no PEM certificate (-----BEGIN CERTIFICATE-----).", full)
		return ""
	}
	return full
}
