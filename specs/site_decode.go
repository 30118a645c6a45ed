package specs

import (
	"slices"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// siteDecode is one site being decoded: the Site and what the cross-checks
// need to know about how it was written.
type siteDecode struct {
	block *hcl.Block
	site  *Site
	// methodOK and planOK say whether method, and the attributes the probe
	// plan depends on (tls, send_message), decoded; checks that depend on
	// them are skipped otherwise rather than guess.
	methodOK bool
	planOK   bool
	// mechRange is auth.mechanism (or the auth header when it defaulted);
	// mechOK and mechsOK say both sides of the comparison decoded.
	mechRange hcl.Range
	mechOK    bool
	mechsOK   bool
	expects   []stageRef // in source order, for the reachability check
	// unknownsBefore is the decoder's unknowns when the site began: a
	// value left unknown (an unset variable, an unreadable file) means
	// the cross-checks would judge a default, so they are skipped.
	unknownsBefore int
}

// complete says every value of the site is known.
func (sd *siteDecode) complete(d *decoder) bool { return d.unknowns == sd.unknownsBefore }

type stageRef struct {
	stage transcript.Stage
	label hcl.Range
}

// siteNameRE: site names become golden file names (<name>.golden), so no
// separators, spaces or leading dot.
var siteNameRE = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// site decodes one site block. The Site is complete only when no error was
// added; file() drops it otherwise.
func (d *decoder) site(b *hcl.Block) *Site {
	sd := &siteDecode{
		block:          b,
		site:           &Site{Name: b.Labels[0], DeclRange: b.DefRange, Expect: map[transcript.Stage]*checks.Expect{}},
		planOK:         true,
		unknownsBefore: d.unknowns,
	}
	d.mode = d.readsFor(sd.site.Name) // reads.go
	d.env = slices.Clone(d.fileEnv)
	d.siteName(b)
	c := d.content(b.Body, b.Type, siteSchema)
	d.method(sd, c.Attributes["method"])
	d.labels(sd, c.Attributes) // labels.go
	d.endpoint(sd, d.oneBlock(c.Blocks, "endpoint"))
	d.client(sd, d.oneBlock(c.Blocks, "client"))
	d.auth(sd, d.oneBlock(c.Blocks, "auth"))
	d.envelope(sd, d.oneBlock(c.Blocks, "envelope"))
	d.trace(sd, d.oneBlock(c.Blocks, "trace")) // trace.go
	d.timeouts(sd, d.oneBlock(c.Blocks, "timeouts"))
	d.dns(sd, d.oneBlock(c.Blocks, "dns"))
	d.reputation(sd, d.oneBlock(c.Blocks, "reputation"))
	d.expects(sd, c.Blocks)
	d.golden(sd, d.oneBlock(c.Blocks, "golden"))
	d.mechanismSupported(sd)
	d.reachability(sd)
	d.methodFit(sd, c)                             // method_fit.go
	d.control(sd, d.oneBlock(c.Blocks, "control")) // control.go
	sd.site.Env = d.env
	d.needs(sd.site.Name, b.DefRange) // reads.go
	return sd.site
}

// siteName checks the label's spelling and that no loaded spec declared it.
func (d *decoder) siteName(b *hcl.Block) {
	name, r := b.Labels[0], b.LabelRanges[0]
	if !siteNameRE.MatchString(name) {
		d.errorAt(r, "Invalid site name",
			"%q cannot be a site name. Use letters, digits, \"-\", \"_\" and \".\", starting with a letter or digit, "+
				"like \"hq-mfp-3f\": each site name is also the name of its golden file.", name)
		return
	}
	if first, dup := d.names[name]; dup {
		d.errorAt(r, "Duplicate site name",
			"A site named %q is already declared at %s. Site names must be unique across all the specs "+
				"loaded together: each one names its golden file.", name, at(first))
		return
	}
	d.names[name] = r
}

// method reads the required method attribute.
func (d *decoder) method(sd *siteDecode, attr *hcl.Attribute) {
	if attr == nil {
		d.errorAt(sd.block.DefRange, "Missing method",
			"Every site says how the device sends: method = \"submission\" (smtp.office365.com:587 with SMTP AUTH), "+
				"\"direct_send\" (the tenant's MX on port 25, own mailboxes only) or \"relay\" (the tenant's MX on "+
				"port 25 through an inbound connector).")
		return
	}
	m, ok := d.str(attr)
	if ok && d.oneOf(attr.Expr.Range(), "method", m, methodNames) {
		sd.site.Method = transcript.Method(m)
		sd.methodOK = true
	}
}

// mechanismSupported checks auth.mechanism against client.auth_mechanisms:
// the probe behaves like the device, so it cannot use what the device lacks.
func (d *decoder) mechanismSupported(sd *siteDecode) {
	s := sd.site
	if s.Auth == nil || !sd.mechOK || !sd.mechsOK || slices.Contains(s.Client.AuthMechanisms, s.Auth.Mechanism) {
		return
	}
	have := "none"
	if len(s.Client.AuthMechanisms) > 0 {
		have = "only " + quoteList(transcript.Names(s.Client.AuthMechanisms))
	}
	d.errorAt(sd.mechRange, "Mechanism not supported by the device",
		"auth.mechanism is %q, but client.auth_mechanisms lists %s. The probe does what the device can do, "+
			"so add %q to client.auth_mechanisms or choose a mechanism it lists.", s.Auth.Mechanism, have, s.Auth.Mechanism)
}
