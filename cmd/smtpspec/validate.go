package main

import (
	"context"
	"fmt"

	"github.com/smtpspec/smtpspec/specs"
)

// validateFlags are the flags of `smtpspec validate`.
type validateFlags struct {
	strict  bool // unset variables and unreadable files are errors
	sites   multiFlag
	listEnv bool   // list what each site reads from the environment (listenv.go)
	format  string // of --list-env: human or json
}

// cmdValidate checks every spec without probing and without reading any
// secret: a variable a site reads but this machine lacks is a warning
// (the site needs it where it runs), so specs can be linted where no
// customer secret may be, such as a pull request's hosted runner. With
// --strict the selected sites are loaded as run loads them: every
// variable and file required, secrets read (a client key is checked
// against its certificate).
func cmdValidate(_ context.Context, e env, args []string) int {
	var f validateFlags
	fs := newFlags("validate", "[--strict] [--site GLOB] [--list-env [--format human|json]] [PATH...]   (default PATH: specs/)", e)
	fs.BoolVar(&f.strict, "strict", false, "every variable and file a site reads must be there (exit 2 otherwise)")
	fs.BoolVar(&f.strict, "require-env", false, "the same as --strict")
	fs.Var(&f.sites, "site", "only sites whose name matches `GLOB` (repeatable)")
	fs.BoolVar(&f.listEnv, "list-env", false, "list the environment variables each site reads, and what for")
	fs.StringVar(&f.format, "format", "human", "--list-env output: human or json")
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	globs, err := parseSiteGlobs(f.sites)
	switch {
	case err != nil:
		errorf(e.stderr, "%v", err)
		return exitUsage
	case f.format != "human" && f.format != "json":
		errorf(e.stderr, "unknown --format %q (human or json)", f.format)
		return exitUsage
	case f.format != "human" && !f.listEnv:
		errorf(e.stderr, "--format is for --list-env; validate itself prints diagnostics")
		return exitUsage
	}
	if len(paths) == 0 {
		paths = []string{"specs"}
	}
	l := specs.NewLoader(e.getenv)
	l.Select(globs.Match)
	l.SetReads(validateReads(f))
	all, diags := l.LoadPaths(paths...)
	if len(diags) > 0 {
		specs.WriteDiagnostics(e.stderr, l.Files(), diags, 100, isTerminal(e.stderr, e.getenv))
	}
	if diags.HasErrors() {
		return exitUsage
	}
	sites, err := selectSites(all, globs)
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	if f.listEnv {
		return listEnv(e, sites, f) // listenv.go
	}
	fmt.Fprintf(e.stdout, "%d site(s) in %d file(s): valid%s\n", len(sites), len(l.Files()), unsetNote(sites))
	return exitOK
}

// validateReads is how validate loads the selected sites: --list-env
// reads nothing and says so in its list, not as warnings.
func validateReads(f validateFlags) specs.Reads {
	switch {
	case f.listEnv:
		return specs.Quiet
	case f.strict:
		return specs.Require
	}
	return specs.Need
}

// unsetNote sums up the "not set here" warnings: the sites are valid, and
// their jobs will need these variables.
func unsetNote(sites []*specs.Site) string {
	n := len(unsetVars(sites))
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d environment variable(s) they read are not set here (warnings above): "+
		"their jobs need them, --strict requires them, --list-env lists them", n)
}

// unsetVars is the distinct variables the sites read that are unset here.
func unsetVars(sites []*specs.Site) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range sites {
		for _, v := range s.EnvVars() {
			if !v.Set && !seen[v.Name] {
				seen[v.Name] = true
				out = append(out, v.Name)
			}
		}
	}
	return out
}
