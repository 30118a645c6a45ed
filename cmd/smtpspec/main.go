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
		if use := commands()[os.Args[1]].signals; use != signalsDefault {
			ctx, stop = withSignals(ctx, use, os.Stderr, os.Exit) // signal.go
		}
	}
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a command may read from its surroundings; tests pass their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
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
	c, ok := commands()[name]
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
