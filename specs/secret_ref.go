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

// readSecret reads the variable a secretRef named. Its value goes into
// the Secret and the Loader's redaction list, nowhere else.
func (d *decoder) readSecret(name string, call hcl.Range) (Secret, bool) {
	v := d.getenv(name)
	if v == "" {
		summary, detail := envUnsetMessage(name)
		d.errorAt(call, summary, "%s", detail)
		return Secret{}, false
	}
	d.secrets = append(d.secrets, v)
	return NewSecret(name, v), true
}
