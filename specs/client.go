package specs

import (
	"crypto/tls"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/transcript"
)

// tlsVersions are the spellings of TLSVersionNames in order.
var tlsVersions = slices.Sorted(maps.Keys(TLSVersionNames))

// client decodes the optional client block, defaults first.
func (d *decoder) client(sd *siteDecode, b *hcl.Block) {
	c := &sd.site.Client
	*c = Client{
		Helo:           DefaultHelo,
		TLSMin:         tls.VersionTLS12,
		TLSMax:         tls.VersionTLS13,
		AuthMechanisms: slices.Clone(transcript.Mechanisms),
		Pipelining:     true, // what Microsoft 365 advertises and most devices do
		Greeting:       GreetingEHLO,
	}
	sd.mechsOK = true
	if b == nil {
		return
	}
	content := d.content(b.Body, b.Type, clientSchema)
	attrs := content.Attributes
	if attr := attrs["helo"]; attr != nil {
		c.Helo, _ = d.word(attr, "mfp-3f.contoso.local")
	}
	minOK, maxOK := true, true
	if attr := attrs["tls_min"]; attr != nil {
		c.TLSMin, minOK = d.tlsVersion(attr)
	}
	if attr := attrs["tls_max"]; attr != nil {
		c.TLSMax, maxOK = d.tlsVersion(attr)
	}
	if minOK && maxOK && c.TLSMin > c.TLSMax {
		subject := attrs["tls_min"]
		if subject == nil {
			subject = attrs["tls_max"]
		}
		d.errorAt(subject.Expr.Range(), "TLS versions out of order",
			"tls_min (%s) is above tls_max (%s), so the device could offer no TLS version at all. "+
				"Defaults: tls_min = \"1.2\", tls_max = \"1.3\".", versionName(c.TLSMin), versionName(c.TLSMax))
	}
	if attr := attrs["auth_mechanisms"]; attr != nil {
		c.AuthMechanisms, sd.mechsOK = d.mechanisms(attr)
	}
	d.clientCert(c, b, attrs)
	if attr := attrs["pipelining"]; attr != nil {
		c.Pipelining, _ = d.boolean(attr)
	}
	if attr := attrs["greeting"]; attr != nil {
		c.Greeting = d.greeting(attr) // client_greeting.go
	}
}

// tlsVersion reads "1.0" ... "1.3" as a crypto/tls constant.
func (d *decoder) tlsVersion(attr *hcl.Attribute) (uint16, bool) {
	v, ok := d.str(attr)
	if !ok || !d.oneOf(attr.Expr.Range(), "TLS version", v, tlsVersions) {
		return 0, false
	}
	return TLSVersionNames[v], true
}

// versionName is the spec spelling of a crypto/tls version.
func versionName(v uint16) string {
	for name, ver := range TLSVersionNames {
		if ver == v {
			return name
		}
	}
	return tls.VersionName(v)
}

// mechanisms reads a list of AUTH mechanisms, upper-cased, each checked.
func (d *decoder) mechanisms(attr *hcl.Attribute) ([]transcript.Mechanism, bool) {
	list, ranges, ok := d.strList(attr)
	if !ok {
		return nil, false
	}
	out := make([]transcript.Mechanism, len(list))
	for i, m := range list {
		out[i] = transcript.Mechanism(strings.ToUpper(m))
		if !d.oneOf(ranges[i], "auth mechanism", string(out[i]), mechanismNames) {
			ok = false
		}
	}
	return out, ok
}
