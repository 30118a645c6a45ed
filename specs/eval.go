package specs

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// evalContext is what spec expressions can use: env(), file() and a few
// string functions. There are no variables, so a diagnostic never
// renders a value from the context ("with x as ...").
func evalContext(env, file function.Function) *hcl.EvalContext {
	return &hcl.EvalContext{Functions: map[string]function.Function{
		"env":    env,
		"file":   file,
		"lower":  stdlib.LowerFunc,
		"upper":  stdlib.UpperFunc,
		"format": stdlib.FormatFunc,
		"join":   stdlib.JoinFunc,
		"concat": stdlib.ConcatFunc,
	}}
}

// envFunc reads one environment variable for an attribute that is not a
// secret (secrets never go through the evaluator: secret_ref.go). Unset
// and empty are the same: a spec that silently sends "" as a user name
// tests nothing. Either way the value is unknown, not an error: whether a
// missing variable is an error depends on whether the command uses the
// site (reads.go), so the decoder records every read (d.reads) and
// decides after the evaluation (values.go).
func (d *decoder) envFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the value of an environment variable.",
		Params:      []function.Parameter{{Name: "name", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := args[0].AsString()
			v := d.getenv(name)
			d.reads = append(d.reads, envRead{name: name, set: v != ""})
			if v == "" {
				return cty.UnknownVal(cty.String), nil
			}
			// Every value env() returns is redacted from diagnostics, not
			// only secrets: a variable meant as a secret may be named by
			// mistake in another attribute (from = env("SCANNER_PASSWORD"))
			// whose message would quote it. Found by FuzzLoadSource.
			d.secrets = append(d.secrets, v)
			return cty.StringVal(v), nil
		},
	})
}
