package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: smtpspec <command> [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, exitSummary)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'smtpspec help <command>' (or 'smtpspec <command> -h') for a command's flags and exit codes.")
}

// help prints the usage of the command named by args[0] on stdout
// (`smtpspec help run`), the general usage without one.
func help(ctx context.Context, e env, args []string) int {
	if len(args) == 0 {
		usage(e.stdout)
		return exitOK
	}
	c, ok := commands()[args[0]]
	if !ok {
		errorf(e.stderr, "help: unknown command %q", args[0])
		usage(e.stderr)
		return exitUsage
	}
	return c.run(ctx, e, []string{"-h"})
}

func errorf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "smtpspec: "+format+"\n", args...)
}

// newFlags returns a FlagSet that reports errors instead of exiting. Its
// usage (synopsis, flags, exit codes) goes to stderr after a usage error
// and to stdout for -h/--help (flagExit).
func newFlags(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, strings.TrimSpace("usage: smtpspec "+name+" "+synopsis))
		if hasFlags(fs) {
			fmt.Fprint(w, "\nflags:\n")
			fs.PrintDefaults()
		}
		if codes := commands()[name].exits; len(codes) > 0 {
			fmt.Fprint(w, "\nexit codes:\n")
			for _, c := range codes {
				fmt.Fprintf(w, "  %-4d %s\n", c.code, c.meaning)
			}
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// flagExit is a command's exit after parse failed: for -h or --help its
// usage on stdout and exit 0; otherwise flag has printed the error and
// the usage on stderr, exit 2.
func flagExit(e env, fs *flag.FlagSet, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(e.stdout)
		fs.Usage()
		return exitOK
	}
	return exitUsage
}

// wantsHelp reports -h, -help or --help among the arguments before "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "-h=true", "--help=true":
			return true
		}
	}
	return false
}

// parse parses flags wherever they appear among the arguments
// ("smtpspec run specs/ --update" works like "smtpspec run --update specs/")
// and returns the positional arguments. "--" ends flag parsing. A help
// request anywhere is flag.ErrHelp, before any other argument is judged,
// so `smtpspec run --format xml -h` still shows the help.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	if wantsHelp(args) {
		return nil, flag.ErrHelp
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
