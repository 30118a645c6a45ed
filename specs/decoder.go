package specs

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// decoder decodes the sites of one file and collects every problem in
// diags; it never stops at the first one.
type decoder struct {
	ctx      *hcl.EvalContext
	getenv   func(string) string
	dir      string               // the spec file's directory, for ca_file
	names    map[string]hcl.Range // shared with the Loader: names across files
	diags    hcl.Diagnostics
	masks    []hcl.Range  // literal secrets to hide from snippets
	secrets  []string     // values read for password/token, and every env() value
	defaults fileDefaults // the file's defaults block (golden.go, defaults.go)
}

func newDecoder(getenv func(string) string, dir string, names map[string]hcl.Range) *decoder {
	d := &decoder{getenv: getenv, dir: dir, names: names}
	// Every value env() returns is redacted from diagnostics, not only
	// password and token: a variable meant as a secret may be named by
	// mistake in another attribute (from = env("SCANNER_PASSWORD")) whose
	// message would quote it. Found by FuzzLoadSource.
	d.ctx = evalContext(func(name string) string {
		v := getenv(name)
		if v != "" {
			d.secrets = append(d.secrets, v)
		}
		return v
	}, dir)
	return d
}

// file decodes every site block of f and returns the sites without errors.
func (d *decoder) file(f *hcl.File) []*Site {
	before := len(d.diags)
	content := d.content(f.Body, "", fileSchema)
	if len(content.Blocks) == 0 && len(d.diags) == before {
		d.warningAt(f.Body.MissingItemRange(), "No sites",
			"This file declares no site block, so it checks nothing. A site looks like:\n"+
				"  site \"NAME\" { method = \"submission\" ... }")
	}
	d.defaultsBlock(content.Blocks)
	var sites []*Site
	for _, b := range content.Blocks {
		if b.Type != "site" {
			continue
		}
		before := errorCount(d.diags)
		s := d.site(b)
		if errorCount(d.diags) == before {
			sites = append(sites, s)
		}
	}
	return sites
}

// content decodes a block's body against schema, keeping hclsyntax's own
// "Unsupported argument ... Did you mean" diagnostics. hclsyntax reports
// unknown attributes in map order, so they are sorted here.
func (d *decoder) content(body hcl.Body, blockType string, schema *hcl.BodySchema) *hcl.BodyContent {
	content, diags := body.Content(schema)
	sortByPosition(diags)
	if syntax, ok := body.(*hclsyntax.Body); ok {
		hintHome(diags, syntax, blockType)
	}
	d.diags = append(d.diags, diags...)
	return content
}

// homeOf says which block an attribute of the language belongs in ("" if
// none), for the commonest slip: an attribute written one level off.
func homeOf(name string) string {
	if name == "method" {
		return "site"
	}
	for _, h := range []struct {
		block  string
		schema *hcl.BodySchema
	}{
		{"endpoint", endpointSchema}, {"client", clientSchema}, {"auth", authSchema},
		{"envelope", envelopeSchema}, {"timeouts", timeoutsSchema},
	} {
		for _, a := range h.schema.Attributes {
			if a.Name == name {
				return h.block
			}
		}
	}
	return ""
}

// hintHome adds "It belongs in the X block." to an unsupported argument
// hclsyntax had no suggestion for, when another block has that attribute.
func hintHome(diags hcl.Diagnostics, body *hclsyntax.Body, blockType string) {
	for _, diag := range diags {
		if diag.Summary != "Unsupported argument" || diag.Subject == nil || strings.Contains(diag.Detail, "Did you mean") {
			continue
		}
		for name, attr := range body.Attributes {
			if home := homeOf(name); attr.NameRange == *diag.Subject && home != "" && home != blockType {
				diag.Detail += " It belongs in the " + home + " block."
			}
		}
	}
}

// oneBlock returns the only block of type typ in blocks, or nil, and
// reports every extra one.
func (d *decoder) oneBlock(blocks hcl.Blocks, typ string) *hcl.Block {
	var first *hcl.Block
	for _, b := range blocks {
		if b.Type != typ {
			continue
		}
		if first != nil {
			d.errorAt(b.DefRange, "Duplicate "+typ+" block",
				"A site has at most one %s block; the first is at %s. Merge them into one.", typ, at(first.DefRange))
			continue
		}
		first = b
	}
	return first
}
