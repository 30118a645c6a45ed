// Command smtpspec probes a printer's mail path to Microsoft 365 stage by
// stage, checks what the spec expects, diagnoses failures and compares the
// transcript with a golden file. See README.md.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
var commands = map[string]struct {
	run     func(ctx context.Context, e env, args []string) int
	summary string
}{
	"run":      {cmdRun, "probe sites and compare with goldens"},
	"validate": {cmdValidate, "check spec files without probing"},
	"explain":  {cmdExplain, "explain a Microsoft 365 reply or a captured SMTP conversation"},
	"sim":      {cmdSim, "serve a Microsoft 365 simulator scenario on loopback"},
	"demo":     {cmdDemo, "run the example specs against the built-in simulator"},
	"version":  {cmdVersion, "print the version"},
	"review":   {cmdReview, "accept or reject pending goldens (.golden.new)"},
	"init":     {cmdInit, "write a commented starting spec for a site"},
	"fmt":      {cmdFmt, "rewrite specs in canonical form (--check: list, exit 1)"},
	"trace":    {cmdTrace, "look a run's message up in Microsoft 365 message trace (--site, --token)"},
	"serve":    {cmdServe, "serve the sites as a Prometheus multi-target exporter (/probe?target=SITE)"},
	"check":    {cmdCheck, "probe one site as a Nagios/Icinga plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)"},
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
	case "help", "-h", "-help", "--help":
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
	return c.run(ctx, e, args[1:])
}
