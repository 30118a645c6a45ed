package specs

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// secretRef checks, without evaluating anything, that attr is written
// env("NAME") and returns NAME and the call's range. A spec is committed
// to git, so a secret is only ever named there, never written. Anything
// else is an error, and its text is masked in rendered snippets.
func (d *decoder) secretRef(attr *hcl.Attribute) (name string, call hcl.Range, ok bool) {
	example := fmt.Sprintf("%s = env(\"NAME\")", attr.Name)
	expr, isCall := attr.Expr.(*hclsyntax.FunctionCallExpr)
	if !isCall || expr.Name != "env" {
		d.masks = append(d.masks, attr.Expr.Range())
		summary := "Secret must be an env() call"
		if v, diags := attr.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String {
			summary = "Secret written into the spec"
		}
		d.errorAt(attr.Expr.Range(), summary,
			"Secrets are given by reference: %s, where NAME is an environment variable set where smtpspec "+
				"runs (in CI, a secret variable). Specs are committed to git, so they never hold the value.", example)
		return "", hcl.Range{}, false
	}
	if len(expr.Args) != 1 || expr.ExpandFinal {
		d.errorAt(expr.Range(), "Invalid env() call",
			"env() takes one argument, the variable's name as a quoted string: %s.", example)
		return "", hcl.Range{}, false
	}
	v, diags := expr.Args[0].Value(nil)
	if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String || v.AsString() == "" {
		d.errorAt(expr.Args[0].Range(), "Invalid environment variable name",
			"For a secret, env() takes the variable's name as a quoted string: %s.", example)
		return "", hcl.Range{}, false
	}
	return v.AsString(), expr.Range(), true
}

// readSecret reads the variable a secretRef named for attr, when the
// site is required (reads.go): its value goes into the Secret and the
// Loader's redaction list, nowhere else. Otherwise the Secret is only a
// reference (IsSet false) and the value is not kept; either way the
// read is recorded, and an unset one reported with the site's other needs.
// ok is false when the site needs the value and it is unset.
func (d *decoder) readSecret(attr *hcl.Attribute, name string, call hcl.Range) (Secret, bool) {
	v := d.getenv(name)
	d.addEnv(EnvVar{Name: name, Use: attr.Name, Block: d.blockPath(call), Secret: true, Set: v != "", Range: call})
	switch {
	case d.mode != Require:
		return Secret{Env: name}, true
	case v == "":
		return Secret{}, false
	}
	d.secrets = append(d.secrets, v)
	return NewSecret(name, v), true
}
