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
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "exit codes: 0 success; 1 a site failed, drifted, is new or could not be judged;")
	fmt.Fprintln(w, "2 bad specs or usage; 130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM.")
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
	c, ok := commands[args[0]]
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

// exitDoc is one exit code of a command, for its --help.
type exitDoc struct {
	code    int
	meaning string
}

// Exit code rows several commands share.
var (
	exitUsageDoc = exitDoc{exitUsage, "bad flags or arguments"}
	interrupted  = []exitDoc{
		{exitInterruptSIGINT, "interrupted by SIGINT (Ctrl-C): unfinished sites are reported as interrupted, reports are still written"},
		{exitInterruptSIGTERM, "interrupted by SIGTERM (a CI job cancelled or timed out): as for 130"},
	}
)

// exitCodes are each command's exit codes, as its --help lists them.
var exitCodes = map[string][]exitDoc{
	"run": append([]exitDoc{{exitOK, "every site passed and matched its golden"},
		{exitFail, "a site failed, drifted, has no golden yet (new) or could not be judged (error)"},
		{exitUsage, "bad specs or usage, or a report could not be written"}}, interrupted...),
	"validate": {{exitOK, "every spec is valid (unset variables are listed as what the sites will need)"},
		{exitUsage, "a spec has errors (with --strict: a variable or file a selected site reads is missing), or bad usage"}},
	"explain": {{exitOK, "explained"}, {exitFail, "the explanation could not be written"},
		{exitUsage, "input smtpspec cannot read (not guessed at), or bad usage"}},
	"sim": {{exitOK, "stopped (Ctrl-C or SIGTERM)"}, {exitFail, "the simulator could not start or serve"}, exitUsageDoc},
	"demo": append([]exitDoc{{exitOK, "every example had its documented outcome"},
		{exitFail, "an example did not (a bug in smtpspec: please report it)"}, exitUsageDoc}, interrupted...),
	"version": {{exitOK, "printed"}},
	"forecast": append([]exitDoc{{exitOK, "no site breaks at the changes forecast, nor is any broken today"},
		{exitFail, "a site breaks at a change forecast, or is broken today (unknowns alone do not count)"},
		{exitUsage, "bad specs, flags (an unknown --change lists the IDs) or fact: tags, or the forecast could not be written"}}, interrupted...),
	"review": {{exitOK, "nothing pending, or every change decided"},
		{exitFail, "pending goldens listed but not decided (off a terminal without --accept-all or --reject-all), or a golden could not be written"},
		exitUsageDoc},
	"init": {{exitOK, "the spec was written"}, {exitFail, "it could not be written"},
		{exitUsage, "bad flags, or the file exists (use --force)"}},
	"fmt": {{exitOK, "every spec is formatted (or was rewritten)"}, {exitFail, "--check: a spec is not formatted"},
		{exitUsage, "a spec has a syntax error, or bad usage"}},
	"capture": {{exitOK, "a device was recorded and nothing it does will fail against Microsoft 365 (Ctrl-C ends the capture and reports what was seen)"},
		{exitFail, "a finding of severity error, or no device connected before the timeout"},
		{exitUsage, "bad usage, or the address could not be listened on"}},
	"serve": {{exitOK, "stopped by SIGINT or SIGTERM after in-flight probes finished or the grace ran out"},
		{exitFail, "the exporter could not listen or serve"},
		{exitUsage, "bad specs at start (a bad spec on reload keeps the last good set), or bad usage"}},
	"check": {{0, "OK: the site passed and matched its golden (or has none yet)"},
		{1, "WARNING: drift, a warning finding (e.g. basic-auth retirement), a certificate within --cert-warn-days, or slower than --warn-time"},
		{2, "CRITICAL: the site failed, its mailbox is held by the AUTH-failure guard, or a certificate within --cert-crit-days"},
		{3, "UNKNOWN: bad usage or specs, no single matching site, or the check could not run or was stopped (Nagios plugin convention)"}},
	"trace": append([]exitDoc{{exitOK, "every recipient has the expected status (Delivered by default)"},
		{exitFail, "a recipient has another status, or the lookup failed"}, {exitUsage, "bad specs or usage"}}, interrupted...),
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
		if codes := exitCodes[name]; len(codes) > 0 {
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
