package specs

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// value evaluates attr and converts it to ty. want describes the expected
// value in a technician's words ("a string", "a whole number").
//
// A value that depends on an unset variable or an unreadable file is not
// known here: it is recorded (and reported as the site's Reads says) and
// value returns false without a diagnostic of its own.
func (d *decoder) value(attr *hcl.Attribute, ty cty.Type, want string) (cty.Value, bool) {
	d.reads, d.unreadable = nil, nil
	v, diags := attr.Expr.Value(d.ctx)
	d.recordReads(attr, d.reads) // env.go
	missing := d.reportUnreadable(attr) || !allSet(d.reads)
	d.diags = append(d.diags, unquotedDiags(diags, attr.Expr)...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	if missing && !v.IsWhollyKnown() {
		d.unknowns++
		return cty.NilVal, false
	}
	if v.IsNull() || !v.IsWhollyKnown() {
		d.errorAt(attr.Expr.Range(), "Missing value", "%s must be %s, not null.", attr.Name, want)
		return cty.NilVal, false
	}
	cv, err := convert.Convert(v, ty)
	if err != nil {
		d.errorAt(attr.Expr.Range(), "Incorrect value type",
			"%s must be %s; this is %s.", attr.Name, want, typeName(v.Type()))
		return cty.NilVal, false
	}
	return cv, true
}

// allSet says every variable read was set.
func allSet(reads []envRead) bool {
	for _, r := range reads {
		if !r.set {
			return false
		}
	}
	return true
}

// reportUnreadable reports the files file() could not read in attr's
// evaluation (reads.go says whether as an error) and says whether any.
func (d *decoder) reportUnreadable(attr *hcl.Attribute) bool {
	for _, err := range d.unreadable {
		d.missingFile(attr.Expr.Range(), "Cannot read file", upperFirst(err.Error())+".")
	}
	return len(d.unreadable) > 0
}

// str reads a string attribute.
func (d *decoder) str(attr *hcl.Attribute) (string, bool) {
	v, ok := d.value(attr, cty.String, "a string")
	if !ok {
		return "", false
	}
	return v.AsString(), true
}

// word reads a string attribute that goes on the wire or into a name: no
// spaces or control characters, not empty.
func (d *decoder) word(attr *hcl.Attribute, example string) (string, bool) {
	s, ok := d.str(attr)
	if !ok {
		return "", false
	}
	if s == "" || strings.IndexFunc(s, isSpaceOrControl) >= 0 {
		d.errorAt(attr.Expr.Range(), "Invalid "+attr.Name,
			"%s must be one word without spaces or line breaks, like %q; got %q.", attr.Name, example, s)
		return "", false
	}
	return s, true
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// integer reads a whole number in [lo, hi].
func (d *decoder) integer(attr *hcl.Attribute, lo, hi int) (int, bool) {
	want := fmt.Sprintf("a whole number from %d to %d", lo, hi)
	v, ok := d.value(attr, cty.Number, want)
	if !ok {
		return 0, false
	}
	f := v.AsBigFloat()
	if !f.IsInt() || f.Cmp(big.NewFloat(float64(lo))) < 0 || f.Cmp(big.NewFloat(float64(hi))) > 0 {
		d.errorAt(attr.Expr.Range(), "Invalid "+attr.Name, "%s must be %s; got %s.", attr.Name, want, f.Text('g', -1))
		return 0, false
	}
	n, _ := f.Int64()
	return int(n), true
}

// boolean reads true or false.
func (d *decoder) boolean(attr *hcl.Attribute) (bool, bool) {
	v, ok := d.value(attr, cty.Bool, "true or false")
	if !ok {
		return false, false
	}
	return v.True(), true
}

// strList reads a list of strings and the range of each element (the
// whole expression's range when it is not written as a [...] literal).
func (d *decoder) strList(attr *hcl.Attribute) ([]string, []hcl.Range, bool) {
	v, ok := d.value(attr, cty.List(cty.String), "a list of strings, like [\"a\", \"b\"]")
	if !ok {
		return nil, nil, false
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			d.errorAt(attr.Expr.Range(), "Missing value", "%s must not contain null.", attr.Name)
			return nil, nil, false
		}
		out = append(out, e.AsString())
	}
	ranges := make([]hcl.Range, len(out))
	tuple, isTuple := attr.Expr.(*hclsyntax.TupleConsExpr)
	for i := range ranges {
		ranges[i] = attr.Expr.Range()
		if isTuple && len(tuple.Exprs) == len(out) {
			ranges[i] = tuple.Exprs[i].Range()
		}
	}
	return out, ranges, true
}

// unquotedDiags explains hcl's "Variables not allowed": specs have no
// variables, so a bare word is nearly always a string missing its quotes.
func unquotedDiags(diags hcl.Diagnostics, expr hcl.Expression) hcl.Diagnostics {
	detail := "Specs have no variables, so a bare word is read as one: write strings in quotes."
	if trav, ok := expr.(*hclsyntax.ScopeTraversalExpr); ok {
		if word, ok := dotted(trav.Traversal); ok {
			detail = fmt.Sprintf("Specs have no variables, so a bare word is read as one. Write it in quotes: %q.", word)
		}
	}
	for _, diag := range diags {
		if diag.Summary == "Variables not allowed" {
			diag.Summary = "Unquoted string"
			diag.Detail = detail
		}
	}
	return diags
}

// dotted spells a traversal like smtp.office365.com back as written.
func dotted(t hcl.Traversal) (string, bool) {
	parts := make([]string, 0, len(t))
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			parts = append(parts, s.Name)
		case hcl.TraverseAttr:
			parts = append(parts, s.Name)
		default:
			return "", false
		}
	}
	return strings.Join(parts, "."), true
}

// typeName says what a value is, in the words of the messages above.
func typeName(t cty.Type) string {
	switch {
	case t == cty.String:
		return "a string"
	case t == cty.Number:
		return "a number"
	case t == cty.Bool:
		return "true or false"
	case t.IsTupleType() || t.IsListType() || t.IsSetType():
		return "a list"
	case t.IsObjectType() || t.IsMapType():
		return "an object"
	}
	return t.FriendlyName()
}
