package specs

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/golden"
)

// goldenSchema is `golden { detail, redact "NAME" { pattern, replace } }`,
// in a site or in the file's defaults block.
var goldenSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "detail"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "redact", LabelNames: []string{"name"}}},
}

var redactSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "pattern"}, {Name: "replace"}},
}

// goldenBlock is one decoded golden block, before defaults are merged.
type goldenBlock struct {
	detail golden.Detail // "" when not written
	rules  []golden.Rule
}

// golden decodes the site's optional golden block over the file's
// defaults: the site's detail wins, and its redact rules follow the
// defaults' (a site rule with a default's name replaces it).
func (d *decoder) golden(sd *siteDecode, b *hcl.Block) {
	g := goldenBlock{}
	if b != nil {
		g = d.goldenBody(b)
	}
	sd.site.Golden = merge(d.defaults.golden, g)
}

// goldenBody decodes the body of one golden block.
func (d *decoder) goldenBody(b *hcl.Block) goldenBlock {
	var g goldenBlock
	c := d.content(b.Body, b.Type, goldenSchema)
	if attr := c.Attributes["detail"]; attr != nil {
		if s, ok := d.str(attr); ok && d.oneOf(attr.Expr.Range(), "golden detail", s, detailNames) {
			g.detail = golden.Detail(s)
		}
	}
	first := map[string]hcl.Range{}
	for _, rb := range c.Blocks {
		name, label := rb.Labels[0], rb.LabelRanges[0]
		if r, dup := first[name]; dup {
			d.errorAt(label, "Duplicate redact rule",
				"A redact rule named %q is already declared at %s. Give each rule its own name.", name, at(r))
			continue
		}
		first[name] = label
		if rule, ok := d.redactRule(rb); ok {
			g.rules = append(g.rules, rule)
		}
	}
	return g
}

// redactRule decodes `redact "NAME" { pattern, replace }`. replace
// defaults to "<NAME>" in upper case, like the built-in placeholders.
func (d *decoder) redactRule(b *hcl.Block) (golden.Rule, bool) {
	name := b.Labels[0]
	rule := golden.Rule{Name: name, Replace: "<" + strings.ToUpper(name) + ">"}
	attrs := d.content(b.Body, b.Type, redactSchema).Attributes
	ok := true
	attr := attrs["pattern"]
	if attr == nil {
		d.errorAt(b.DefRange, "Missing pattern",
			"A redact rule needs pattern = \"...\", a Go regular expression (https://pkg.go.dev/regexp/syntax) "+
				"matched against every line of the golden after the built-in scrubbers, like "+
				"pattern = \"ticket-[0-9]+\".")
		return rule, false
	}
	if s, sok := d.str(attr); sok {
		re, err := regexp.Compile(s)
		switch {
		case err != nil:
			d.errorAt(attr.Expr.Range(), "Invalid redact pattern",
				"pattern is a Go regular expression (https://pkg.go.dev/regexp/syntax): %v. HCL strings double "+
					"the backslash: write \"\\\\d+\" for \\d+.", err)
			ok = false
		case re.MatchString(""):
			d.errorAt(attr.Expr.Range(), "Redact pattern matches empty text",
				"pattern %q matches the empty string, so it would insert its replacement between every "+
					"character. Make it match at least one character (use + instead of *).", s)
			ok = false
		}
		rule.Pattern = re
	} else {
		ok = false
	}
	if attr := attrs["replace"]; attr != nil {
		s, sok := d.str(attr)
		if sok && strings.ContainsAny(s, "\r\n") {
			d.errorAt(attr.Expr.Range(), "Invalid replace",
				"replace must stay on one line: a golden holds one protocol line per line.")
			sok = false
		}
		rule.Replace = s
		ok = ok && sok
	}
	return rule, ok
}

// merge lays a site's golden block over the file's defaults.
func merge(def, site goldenBlock) golden.Options {
	o := golden.Options{Detail: def.detail}
	if site.detail != "" {
		o.Detail = site.detail
	}
	own := map[string]bool{}
	for _, r := range site.rules {
		own[r.Name] = true
	}
	for _, r := range def.rules {
		if !own[r.Name] {
			o.Rules = append(o.Rules, r)
		}
	}
	o.Rules = append(o.Rules, site.rules...)
	if o.Detail == golden.Full {
		o.Detail = "" // the zero value is full: sites that do not ask compare equal
	}
	return o
}
