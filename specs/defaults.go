package specs

import "github.com/hashicorp/hcl/v2"

// defaultsSchema is the file-level `defaults { golden { ... } }`: settings
// every site of the file starts from, so a repository of many sites does
// not repeat its golden rules in each. It holds only what is safe to
// share; a site's own block overrides it.
var defaultsSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "golden"}},
}

// fileDefaults is what a file's defaults block set.
type fileDefaults struct {
	golden goldenBlock
}

// defaultsBlock decodes the file's defaults block (at most one) into
// d.defaults before any site is decoded, wherever it stands in the file.
func (d *decoder) defaultsBlock(blocks hcl.Blocks) {
	d.defaults = fileDefaults{}
	var b *hcl.Block
	for _, x := range blocks {
		switch {
		case x.Type != "defaults":
		case b != nil:
			d.errorAt(x.DefRange, "Duplicate defaults block",
				"A file has at most one defaults block; the first is at %s. Merge them into one.", at(b.DefRange))
		default:
			b = x
		}
	}
	if b == nil {
		return
	}
	c := d.content(b.Body, b.Type, defaultsSchema)
	if g := d.oneBlock(c.Blocks, "golden"); g != nil {
		d.defaults.golden = d.goldenBody(g)
	}
}
