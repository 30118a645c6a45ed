package specs

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// evalContext is what spec expressions can use: env(), file() (relative
// to dir, the spec's directory) and a few string functions. There are no
// variables, so a diagnostic never renders a value from the context
// ("with x as ...").
func evalContext(getenv func(string) string, dir string) *hcl.EvalContext {
	return &hcl.EvalContext{Functions: map[string]function.Function{
		"env":    envFunc(getenv),
		"file":   fileFunc(dir, nil),
		"lower":  stdlib.LowerFunc,
		"upper":  stdlib.UpperFunc,
		"format": stdlib.FormatFunc,
		"join":   stdlib.JoinFunc,
		"concat": stdlib.ConcatFunc,
	}}
}

// errEnvUnset is env()'s failure; envDiags turns it into the spec's words.
type errEnvUnset struct{ name string }

func (e errEnvUnset) Error() string { return "environment variable " + e.name + " is not set" }

// envFunc reads one environment variable. Unset and empty are both errors:
// a spec that silently sends "" as a user name tests nothing.
func envFunc(getenv func(string) string) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the value of an environment variable; unset or empty is an error.",
		Params:      []function.Parameter{{Name: "name", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := args[0].AsString()
			v := getenv(name)
			if v == "" {
				return cty.UnknownVal(cty.String), errEnvUnset{name}
			}
			return cty.StringVal(v), nil
		},
	})
}

// envDiags rewrites hcl's generic "Error in function call" for an unset
// variable into "Environment variable NAME is not set" on the call's range.
func envDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	for _, diag := range diags {
		extra, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](diag)
		if !ok || extra.CalledFunctionName() != "env" {
			continue
		}
		var unset errEnvUnset
		if !errors.As(extra.FunctionCallError(), &unset) {
			continue
		}
		diag.Summary, diag.Detail = envUnsetMessage(unset.name)
		if diag.Expression != nil {
			diag.Subject = diag.Expression.Range().Ptr()
		}
		diag.Context = nil
	}
	return diags
}

func envUnsetMessage(name string) (summary, detail string) {
	return fmt.Sprintf("Environment variable %s is not set", name),
		fmt.Sprintf("env(%q) reads %s from the environment smtpspec runs in, and it is unset or empty. "+
			"Set it there (in CI, as a secret or pipeline variable) and run again.", name, name)
}
