package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestHelpOfEveryCommand: -h, --help and `smtpspec help CMD` print the
// same usage on stdout, with exit 0 and the command's exit codes, and
// nothing on stderr, for every command; a help request wins over other
// arguments, even wrong ones.
func TestHelpOfEveryCommand(t *testing.T) {
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			if len(cmds[name].exits) == 0 {
				t.Fatalf("%s has no exit codes for its help (commands.go)", name)
			}
			var first string
			for _, args := range [][]string{{name, "-h"}, {name, "--help"}, {name, "-help"}, {"help", name}, {name, "--no-such-flag", "x", "--help"}} {
				code, out, errs := runCLI(t, testGetenv(nil), args...)
				if code != exitOK || errs != "" {
					t.Errorf("%q: exit %d, stderr %q; want 0 and nothing", args, code, errs)
				}
				if !strings.HasPrefix(out, "usage: smtpspec "+name) || !strings.Contains(out, "\nexit codes:\n  0    ") {
					t.Errorf("%q: stdout lacks the usage or the exit codes:\n%s", args, out)
				}
				if first == "" {
					first = out
				} else if out != first {
					t.Errorf("%q prints another help than %s -h", args, name)
				}
			}
			for _, c := range cmds[name].exits {
				if !strings.Contains(first, fmt.Sprintf("  %-4d %s", c.code, c.meaning)) {
					t.Errorf("help lacks exit code %d", c.code)
				}
			}
		})
	}
}

// TestUsageErrorsStayOnStderr: a usage error still prints on stderr with
// exit 2, and stdout stays clean for a report.
func TestUsageErrorsStayOnStderr(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--no-such-flag"}, {"validate", "--parallel", "x"}, {"sim", "--listen"}, {"version", "extra"},
		{"init", "stray-argument"}, {"help", "no-such-command"}, {"no-such-command"}, {},
	} {
		code, out, errs := runCLI(t, testGetenv(nil), args...)
		if code != exitUsage || out != "" || errs == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 with the error on stderr only", args, code, out, errs)
		}
	}
}

// TestGeneralHelp: smtpspec help, -h and --help list the commands and the
// exit codes on stdout.
func TestGeneralHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, out, errs := runCLI(t, testGetenv(nil), args...)
		if code != exitOK || errs != "" || !strings.Contains(out, "  run       probe sites") ||
			!strings.Contains(out, "130 interrupted by SIGINT") || !strings.Contains(out, "smtpspec help <command>") {
			t.Errorf("%q: exit %d, stderr %q\n%s", args, code, errs, out)
		}
	}
}
