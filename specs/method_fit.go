package specs

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/smtpspec/smtpspec/diagnosis"
)

// methodFit warns, before anything is probed, when the site's endpoint or
// credentials contradict its method (AUTH for Direct Send, port 465,
// smtp.office365.com for Direct Send, ...). Warnings, not errors: a spec
// may document a misconfigured device on purpose, and `run` gives such a
// site the config verdict without probing it unless it expects the
// failure (runner/config.go).
//
// A site with errors gets no such warning (it is not probed, and its
// errors come first), nor does one that expects the failure, nor one with
// a value not known here (an unset variable: reads.go).
func (d *decoder) methodFit(sd *siteDecode, c *hcl.BodyContent) {
	if !sd.methodOK || !sd.planOK || !sd.complete(d) || sd.site.ExpectsFailure() || d.errorsIn(sd.block) {
		return
	}
	for _, m := range diagnosis.Misfits(sd.site.Setup()) {
		d.warningAt(fieldRange(sd.block, c, m.Field), "Method and setup disagree",
			"%s.\nNext: %s.\nSource: %s.", upperFirst(m.Finding), m.Next, m.Source)
	}
}

// fieldRange points at the spec attribute a misfit names, or the nearest
// thing that exists (the block, then the site header).
func fieldRange(site *hcl.Block, c *hcl.BodyContent, field string) hcl.Range {
	switch field {
	case "method":
		if a := c.Attributes["method"]; a != nil {
			return a.Expr.Range()
		}
	case "auth":
		if b := firstBlock(c, "auth"); b != nil {
			return b.DefRange
		}
	case "client.greeting":
		if b := firstBlock(c, "client"); b != nil {
			if body, ok := b.Body.(*hclsyntax.Body); ok && body.Attributes["greeting"] != nil {
				return body.Attributes["greeting"].Expr.Range()
			}
			return b.DefRange
		}
	default: // endpoint.NAME
		if b := firstBlock(c, "endpoint"); b != nil {
			if body, ok := b.Body.(*hclsyntax.Body); ok {
				name := field[len("endpoint."):]
				if a := body.Attributes[name]; a != nil {
					return a.Expr.Range()
				}
				if name == "host" && body.Attributes["mx_domain"] != nil {
					return body.Attributes["mx_domain"].Expr.Range()
				}
			}
			return b.DefRange
		}
	}
	return site.DefRange
}

func firstBlock(c *hcl.BodyContent, typ string) *hcl.Block {
	for _, b := range c.Blocks {
		if b.Type == typ {
			return b
		}
	}
	return nil
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// ExpectsFailure reports a spec that expects a refusal or an error at
// some stage: it documents a failing device on purpose.
func (s *Site) ExpectsFailure() bool {
	for _, e := range s.Expect {
		if e.Code >= 400 || e.Error != "" || (e.Enhanced != "" && e.Enhanced[0] != '2') {
			return true
		}
	}
	return false
}

// errorsIn reports an error diagnostic inside block b.
func (d *decoder) errorsIn(b *hcl.Block) bool {
	body, ok := b.Body.(*hclsyntax.Body)
	if !ok {
		return false
	}
	r := hcl.RangeBetween(b.DefRange, body.SrcRange)
	for _, diag := range d.diags {
		if diag.Severity == hcl.DiagError && diag.Subject != nil && diag.Subject.Filename == r.Filename &&
			diag.Subject.Start.Byte >= r.Start.Byte && diag.Subject.End.Byte <= r.End.Byte {
			return true
		}
	}
	return false
}
