// Command smtpspec probes a printer's mail path to Microsoft 365 stage by
// stage, checks what the spec expects, diagnoses failures and compares the
// transcript with a golden file. See README.md.
package main

import (
	"context"
	"io"
	"os"
)

func main() {
	ctx, stop := context.Background(), func() {}
	if len(os.Args) > 1 {
		if use := commands[os.Args[1]].signals; use != signalsDefault {
			ctx, stop = withSignals(ctx, use, os.Stderr, os.Exit) // signal.go
		}
	}
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes (DESIGN.md): one table at the edge.
const (
	exitOK    = 0 // every site passed and matched its golden
	exitFail  = 1 // a site failed, drifted, is new, or errored
	exitUsage = 2 // bad specs or usage
)

// env is what a command may read from its surroundings; tests pass their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// commands lists the subcommands; one explicit map, no init magic.
// signals says how a command meets SIGINT and SIGTERM (signal.go).
var commands = map[string]struct {
	run     func(ctx context.Context, e env, args []string) int
	summary string
	signals signalUse
}{
	"run":      {cmdRun, "probe sites and compare with goldens", signalsInterrupt},
	"validate": {cmdValidate, "check spec files without probing", signalsDefault},
	"explain":  {cmdExplain, "explain a Microsoft 365 reply or a captured SMTP conversation", signalsDefault},
	"sim":      {cmdSim, "serve a Microsoft 365 simulator scenario on loopback", signalsStop},
	"demo":     {cmdDemo, "run the example specs against the built-in simulator", signalsInterrupt},
	"version":  {cmdVersion, "print the version", signalsDefault},
	"review":   {cmdReview, "accept or reject pending goldens (.golden.new)", signalsDefault},
	"init":     {cmdInit, "write a commented starting spec for a site", signalsDefault},
	"fmt":      {cmdFmt, "rewrite specs in canonical form (--check: list, exit 1)", signalsDefault},
	"forecast": {cmdForecast, "which sites break at each announced Microsoft 365 change, and the fix (offline)", signalsInterrupt},
	"trace":    {cmdTrace, "look a run's message up in Microsoft 365 message trace (--site, --token)", signalsInterrupt},
	"capture":  {cmdCapture, "play Exchange Online to a device, record what it does, write its spec", signalsStop},
	"serve":    {cmdServe, "serve the sites as a Prometheus multi-target exporter (/probe?target=SITE)", signalsStop},
	"check":    {cmdCheck, "probe one site as a Nagios/Icinga plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)", signalsStop},
}

// run is main without the process: everything is testable in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help":
		return help(ctx, e, args[1:]) // usage.go
	case "-h", "-help", "--help":
		usage(e.stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	c, ok := commands[name]
	if !ok {
		errorf(e.stderr, "unknown command %q", name)
		usage(e.stderr)
		return exitUsage
	}
	code := c.run(ctx, e, args[1:])
	if i, ok := interruptedBy(ctx); ok && c.signals == signalsInterrupt {
		return i.exitCode() // 130 or 143: the shell's code for a signal, reports written
	}
	return code
}
