package specs

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// EnvVar is one environment variable a site reads with env("NAME"), and
// what for. The loader records every one, whether or not it read the
// value, so that a CI template can wire each site's job with exactly the
// variables it needs (`smtpspec validate --list-env`).
type EnvVar struct {
	Name string
	// Use is the attribute it feeds: password, token, client_secret and
	// key for a secret, the attribute's own name otherwise (username, ...).
	Use string
	// Block is where the attribute is, as an HCL path below the site:
	// "auth", "auth.oauth", "client", "control.auth", "trace",
	// "expect.rcpt", "defaults.golden.redact.asset"; "site" for the site
	// block itself.
	Block  string
	Secret bool // read as a Secret: never shown, redacted everywhere
	// Set says whether the variable was set (non-empty) when the spec was
	// loaded. Never the value.
	Set   bool
	Range hcl.Range // the env() call
}

// Where names the attribute for a person: "auth.password".
func (v EnvVar) Where() string {
	if v.Block == "site" {
		return v.Use
	}
	return v.Block + "." + v.Use
}

// EnvVars returns the variables s reads, each once, in the order they
// first appear (a control's and the file defaults' included). A variable
// read in several places keeps its first use and is a secret if any use is.
func (s *Site) EnvVars() []EnvVar {
	var out []EnvVar
	at := map[string]int{}
	for _, v := range s.Env {
		if i, dup := at[v.Name]; dup {
			out[i].Secret = out[i].Secret || v.Secret
			continue
		}
		at[v.Name] = len(out)
		out = append(out, v)
	}
	return out
}

// addEnv records one read for the site being decoded; the same call seen
// again (an attribute evaluated twice) is recorded once.
func (d *decoder) addEnv(v EnvVar) {
	for _, have := range d.env {
		if have.Range == v.Range && have.Name == v.Name {
			return
		}
	}
	d.env = append(d.env, v)
}

// envCall is an env() call found in an expression's syntax.
type envCall struct {
	name string // "" when the argument is not a literal string
	r    hcl.Range
}

// envCalls lists the env() calls in expr in source order, to give each
// variable the evaluation reads its own range.
func envCalls(expr hcl.Expression) []envCall {
	node, ok := expr.(hclsyntax.Node)
	if !ok {
		return nil
	}
	var calls []envCall
	_ = hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		call, ok := n.(*hclsyntax.FunctionCallExpr)
		if !ok || call.Name != "env" {
			return nil
		}
		c := envCall{r: call.Range()}
		if len(call.Args) == 1 {
			if lit, ok := call.Args[0].(*hclsyntax.TemplateExpr); ok && lit.IsStringLiteral() {
				v, _ := lit.Value(nil)
				c.name = v.AsString()
			}
		}
		calls = append(calls, c)
		return nil
	})
	return calls
}

// recordReads turns the variables an evaluation of attr read (d.reads,
// in evaluation order) into EnvVars of the site, each with the range of
// its env() call (the attribute's expression when the name is computed).
func (d *decoder) recordReads(attr *hcl.Attribute, reads []envRead) {
	if len(reads) == 0 {
		return // the common case: no env() in the attribute, nothing to walk
	}
	calls := envCalls(attr.Expr)
	used := make([]bool, len(calls))
	for _, rd := range reads {
		r := attr.Expr.Range()
		for i, c := range calls {
			if !used[i] && c.name == rd.name {
				used[i], r = true, c.r
				break
			}
		}
		d.addEnv(EnvVar{Name: rd.name, Use: attr.Name, Block: d.blockPath(r), Set: rd.set, Range: r})
	}
}

// envRead is one call of env() during an evaluation.
type envRead struct {
	name string
	set  bool
}

// blockPath is the HCL path of the blocks around r below its site block
// ("control.auth"), "site" for the site's own attributes. Labels are kept
// except the site's: expect "rcpt" is "expect.rcpt".
func (d *decoder) blockPath(r hcl.Range) string {
	var parts []string
	body := d.body
	for body != nil {
		var inner *hclsyntax.Body
		for _, b := range body.Blocks {
			if b.Range().ContainsOffset(r.Start.Byte) {
				if b.Type != "site" {
					parts = append(parts, b.Type)
					parts = append(parts, b.Labels...)
				}
				inner = b.Body
				break
			}
		}
		body = inner
	}
	if len(parts) == 0 {
		return "site"
	}
	return strings.Join(parts, ".")
}
