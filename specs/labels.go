package specs

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Labels are what a fleet report groups a site by; nothing is probed
// differently because of them.
type Labels struct {
	// Customer names whom the site belongs to (customer = "Contoso Ltd");
	// "" when the spec does not say (reports then use the spec's folder).
	Customer string
	// Tags are free words (tags = ["branch", "fact:trusts-digicert-g2=yes"]):
	// `forecast` reads the fact: ones as what it knows about the site.
	Tags []string
}

// labels decodes the site's optional customer and tags attributes.
func (d *decoder) labels(sd *siteDecode, attrs hcl.Attributes) {
	l := &sd.site.Labels
	if attr := attrs["customer"]; attr != nil {
		if s, ok := d.str(attr); ok {
			l.Customer = strings.TrimSpace(s)
			if l.Customer == "" || strings.ContainsAny(l.Customer, "\r\n") {
				d.errorAt(attr.Expr.Range(), "Invalid customer",
					"customer names whom the site belongs to on one line, like \"Contoso Ltd\"; got %q.", s)
			}
		}
	}
	attr := attrs["tags"]
	if attr == nil {
		return
	}
	tags, ranges, ok := d.strList(attr)
	if !ok {
		return
	}
	for i, t := range tags {
		if t == "" || strings.IndexFunc(t, isSpaceOrControl) >= 0 {
			d.errorAt(ranges[i], "Invalid tag",
				"A tag is one word without spaces, like \"branch\" or \"fact:trusts-digicert-g2=yes\"; got %q.", t)
			return
		}
	}
	l.Tags = tags
}
