package main

// Exit codes (DESIGN.md), the one list: the command table
// (commands.go) says which of them each command uses and what they mean.
const (
	exitOK    = 0 // every site passed and matched its golden
	exitFail  = 1 // a site failed, drifted, is new, or errored
	exitUsage = 2 // bad specs or usage

	// An interrupted command: the shell's 128 + the signal's number
	// (signal.go).
	exitInterruptSIGINT  = 130
	exitInterruptSIGTERM = 143
)

// exitSummary is what `smtpspec --help` says of the exit codes in general.
const exitSummary = `exit codes: 0 success; 1 a site failed, drifted, is new or could not be judged;
2 bad specs or usage; 130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM.`

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
