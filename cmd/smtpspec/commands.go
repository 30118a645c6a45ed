package main

import "context"

// command is one subcommand: everything main, `smtpspec --help` and the
// command's own --help say of it.
type command struct {
	run     func(ctx context.Context, e env, args []string) int
	summary string    // its line in `smtpspec --help`
	signals signalUse // how it meets SIGINT and SIGTERM (signal.go)
	exits   []exitDoc // its exit codes, as its --help lists them (exits.go)
}

// commands is the one table of subcommands: one explicit map, no init
// magic; a new command is one row here. A function rather than a package
// variable because each command's --help reads its own row (newFlags),
// and a variable whose value names the functions that read it would be
// an initialisation cycle.
func commands() map[string]command {
	return map[string]command{
		"run": {cmdRun, "probe sites and compare with goldens", signalsInterrupt,
			append([]exitDoc{{exitOK, "every site passed and matched its golden"},
				{exitFail, "a site failed, drifted, has no golden yet (new) or could not be judged (error)"},
				{exitUsage, "bad specs or usage, or a report could not be written"}}, interrupted...)},
		"validate": {cmdValidate, "check spec files without probing", signalsDefault,
			[]exitDoc{{exitOK, "every spec is valid (unset variables are listed as what the sites will need)"},
				{exitUsage, "a spec has errors (with --strict: a variable or file a selected site reads is missing), or bad usage"}}},
		"explain": {cmdExplain, "explain a Microsoft 365 reply or a captured SMTP conversation", signalsDefault,
			[]exitDoc{{exitOK, "explained"}, {exitFail, "the explanation could not be written"},
				{exitUsage, "input smtpspec cannot read (not guessed at), or bad usage"}}},
		"sim": {cmdSim, "serve a Microsoft 365 simulator scenario on loopback", signalsStop,
			[]exitDoc{{exitOK, "stopped (Ctrl-C or SIGTERM)"}, {exitFail, "the simulator could not start or serve"}, exitUsageDoc}},
		"demo": {cmdDemo, "run the example specs against the built-in simulator", signalsInterrupt,
			append([]exitDoc{{exitOK, "every example had its documented outcome"},
				{exitFail, "an example did not (a bug in smtpspec: please report it)"}, exitUsageDoc}, interrupted...)},
		"version": {cmdVersion, "print the version", signalsDefault,
			[]exitDoc{{exitOK, "printed"}}},
		"review": {cmdReview, "accept or reject pending goldens (.golden.new)", signalsDefault,
			[]exitDoc{{exitOK, "nothing pending, or every change decided"},
				{exitFail, "pending goldens listed but not decided (off a terminal without --accept-all or --reject-all), or a golden could not be written"},
				exitUsageDoc}},
		"init": {cmdInit, "write a commented starting spec for a site", signalsDefault,
			[]exitDoc{{exitOK, "the spec was written"}, {exitFail, "it could not be written"},
				{exitUsage, "bad flags, or the file exists (use --force)"}}},
		"fmt": {cmdFmt, "rewrite specs in canonical form (--check: list, exit 1)", signalsDefault,
			[]exitDoc{{exitOK, "every spec is formatted (or was rewritten)"}, {exitFail, "--check: a spec is not formatted"},
				{exitUsage, "a spec has a syntax error, or bad usage"}}},
		"forecast": {cmdForecast, "which sites break at each announced Microsoft 365 change, and the fix (offline)", signalsInterrupt,
			append([]exitDoc{{exitOK, "no site breaks at the changes forecast, nor is any broken today"},
				{exitFail, "a site breaks at a change forecast, or is broken today (unknowns alone do not count)"},
				{exitUsage, "bad specs, flags (an unknown --change lists the IDs) or fact: tags, or the forecast could not be written"}}, interrupted...)},
		"trace": {cmdTrace, "look a run's message up in Microsoft 365 message trace (--site, --token)", signalsInterrupt,
			append([]exitDoc{{exitOK, "every recipient has the expected status (Delivered by default)"},
				{exitFail, "a recipient has another status, or the lookup failed"}, {exitUsage, "bad specs or usage"}}, interrupted...)},
		"capture": {cmdCapture, "play Exchange Online to a device, record what it does, write its spec", signalsStop,
			[]exitDoc{{exitOK, "a device was recorded and nothing it does will fail against Microsoft 365 (Ctrl-C ends the capture and reports what was seen)"},
				{exitFail, "a finding of severity error, or no device connected before the timeout"},
				{exitUsage, "bad usage, or the address could not be listened on"}}},
		"serve": {cmdServe, "serve the sites as a Prometheus multi-target exporter (/probe?target=SITE)", signalsStop,
			[]exitDoc{{exitOK, "stopped by SIGINT or SIGTERM after in-flight probes finished or the grace ran out"},
				{exitFail, "the exporter could not listen or serve"},
				{exitUsage, "bad specs at start (a bad spec on reload keeps the last good set), or bad usage"}}},
		"check": {cmdCheck, "probe one site as a Nagios/Icinga plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)", signalsStop,
			[]exitDoc{{0, "OK: the site passed and matched its golden (or has none yet)"},
				{1, "WARNING: drift, a warning finding (e.g. basic-auth retirement), a certificate within --cert-warn-days, or slower than --warn-time"},
				{2, "CRITICAL: the site failed, its mailbox is held by the AUTH-failure guard, or a certificate within --cert-crit-days"},
				{3, "UNKNOWN: bad usage or specs, no single matching site, or the check could not run or was stopped (Nagios plugin convention)"}}},
	}
}
