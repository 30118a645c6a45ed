package specs

import (
	"time"

	"github.com/hashicorp/hcl/v2"
)

// timeouts decodes the optional timeouts block over the defaults.
func (d *decoder) timeouts(sd *siteDecode, b *hcl.Block) {
	t := &sd.site.Timeouts
	*t = DefaultTimeouts
	if b == nil {
		return
	}
	attrs := d.content(b.Body, b.Type, timeoutsSchema).Attributes
	// A slice, not a map: diagnostics come out in a stable order.
	for _, f := range []struct {
		name string
		dst  *time.Duration
	}{{"connect", &t.Connect}, {"command", &t.Command}, {"total", &t.Total}} {
		if attr := attrs[f.name]; attr != nil {
			*f.dst = d.duration(attr, *f.dst)
		}
	}
}

// duration reads a positive time.ParseDuration string; on error it
// returns def so later checks see a sane value.
func (d *decoder) duration(attr *hcl.Attribute, def time.Duration) time.Duration {
	s, ok := d.str(attr)
	if !ok {
		return def
	}
	v, err := time.ParseDuration(s)
	switch {
	case err != nil:
		d.errorAt(attr.Expr.Range(), "Invalid duration",
			"%s = %q is not a duration. Write a number with a unit: \"500ms\", \"10s\", \"1m30s\".", attr.Name, s)
		return def
	case v <= 0:
		d.errorAt(attr.Expr.Range(), "Invalid duration",
			"%s must be more than zero: every stage of a probe has a deadline.", attr.Name)
		return def
	}
	return v
}
