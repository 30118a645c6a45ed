package main

import (
	"context"
	"fmt"

	"github.com/smtpspec/smtpspec/specs"
)

func cmdValidate(_ context.Context, e env, args []string) int {
	fs := newFlags("validate", "[PATH...]   (default PATH: specs/)", e)
	paths, err := parse(fs, args)
	if err != nil {
		return flagExit(e, fs, err)
	}
	if len(paths) == 0 {
		paths = []string{"specs"}
	}
	l := specs.NewLoader(e.getenv)
	sites, diags := l.LoadPaths(paths...)
	if len(diags) > 0 {
		specs.WriteDiagnostics(e.stderr, l.Files(), diags, 100, isTerminal(e.stderr, e.getenv))
	}
	if diags.HasErrors() {
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "%d site(s) in %d file(s): valid\n", len(sites), len(l.Files()))
	return exitOK
}
