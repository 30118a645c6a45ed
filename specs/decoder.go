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
	readFile func(string) ([]byte, error) // what file() reads (Loader.SetReadFile)
	readsFor func(site string) Reads      // the Loader's selection (reads.go)
	dir      string                       // the spec file's directory, for ca_file
	names    map[string]hcl.Range         // shared with the Loader: names across files
	body     *hclsyntax.Body              // the file's, for blockPath
	diags    hcl.Diagnostics
	masks    []hcl.Range  // literal secrets to hide from snippets
	secrets  []string     // values read for password/token, and every env() value
	defaults fileDefaults // the file's defaults block (golden.go, defaults.go)

	// What the site being decoded reads from its machine (env.go, reads.go).
	mode       Reads              // how this site is loaded
	env        []EnvVar           // every variable it reads, in order
	fileEnv    []EnvVar           // the defaults block's, which every site of the file reads
	reported   map[hcl.Range]bool // env() calls already reported unset
	reads      []envRead          // env() calls of the evaluation in progress
	unreadable []error            // file() failures of the evaluation in progress
	unknowns   int                // values left unknown: an unset variable or unreadable file
}

func newDecoder(l *Loader, dir string) *decoder {
	d := &decoder{
		getenv: l.getenv, readFile: l.readFile, readsFor: l.readsFor, dir: dir, names: l.names,
		reported: map[hcl.Range]bool{},
	}
	if d.readFile == nil {
		d.readFile = readLimited
	}
	d.ctx = evalContext(d.envFunc(), d.fileFunc())
	return d
}

// file decodes every site block of f and returns the sites without errors.
func (d *decoder) file(f *hcl.File) []*Site {
	d.body, _ = f.Body.(*hclsyntax.Body)
	before := len(d.diags)
	content := d.content(f.Body, "", fileSchema)
	if len(content.Blocks) == 0 && len(d.diags) == before {
		d.warningAt(f.Body.MissingItemRange(), "No sites",
			"This file declares no site block, so it checks nothing. A site looks like:\n"+
				"  site \"NAME\" { method = \"submission\" ... }")
	}
	d.mode = d.fileMode(content.Blocks)
	d.defaultsBlock(content.Blocks)
	d.fileEnv, d.env = d.env, nil
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

// fileMode is how the file's defaults block is read: as its most
// demanding site (Require before Need before Quiet), since every site of
// the file reads it.
func (d *decoder) fileMode(blocks hcl.Blocks) Reads {
	mode := Quiet
	for _, b := range blocks {
		if b.Type == "site" && len(b.Labels) == 1 {
			mode = min(mode, d.readsFor(b.Labels[0]))
		}
	}
	return mode
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
