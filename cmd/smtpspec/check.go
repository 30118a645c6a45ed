package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/nagios"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// cmdCheck is `smtpspec check --site SITE [PATH...]`: one site's probe as
// a Nagios plugin (package nagios decides the state). Every problem of its
// own (usage, specs, no such site) is UNKNOWN, exit 3, as plugins must:
// exit 2 would read as CRITICAL.
func cmdCheck(ctx context.Context, e env, args []string) int {
	fs := newFlags("check", "--site SITE [flags] [PATH...]   (default PATH: specs/)", e)
	site := fs.String("site", "", "the site to check (`NAME`, or a glob matching exactly one)")
	goldenDir := fs.String("golden", "golden", "folder of golden transcripts (`DIR`), read only")
	th := nagios.DefaultThresholds
	certWarn := fs.Float64("cert-warn-days", th.CertWarn.Hours()/24, "WARNING when the server's certificate expires within `DAYS` (0: never)")
	certCrit := fs.Float64("cert-crit-days", th.CertCrit.Hours()/24, "CRITICAL when it expires within `DAYS` (0: never)")
	fs.DurationVar(&th.TimeWarn, "warn-time", 0, "WARNING when the probe takes longer than `D` (0: never)")
	fs.DurationVar(&th.TimeCrit, "crit-time", 0, "CRITICAL when the probe takes longer than `D` (0: never)")
	timeout := fs.Duration("timeout", 0, "end the probe after `D` (the engine's check timeout; 0: the spec's timeouts.total)")
	force := fs.Bool("force", false, "probe a mailbox even if it failed AUTH less than 15 minutes ago")
	paths, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return flagExit(e, fs, err) // help on stdout, exit 0
	}
	if err != nil {
		return unknown(e, "usage: %v", err)
	}
	if *site == "" {
		return unknown(e, "--site is required: a check is about one site")
	}
	th.CertWarn, th.CertCrit = days(*certWarn), days(*certCrit)
	if len(paths) == 0 {
		paths = []string{"specs"}
	}
	s, err := checkSite(e, paths, *site)
	if err != nil {
		return unknown(e, "%v", err)
	}
	if *timeout > 0 && (s.Timeouts.Total <= 0 || *timeout < s.Timeouts.Total) {
		// The site's own overall deadline, not a context's: a stall cut
		// by it is the server's (a finding), as run would say, while a
		// cancelled context means the check itself was stopped.
		capped := *s
		capped.Timeouts.Total = *timeout
		s = &capped
	}
	r := runner.RunSite(ctx, s, runner.Options{
		Golden:    golden.Store{Dir: *goldenDir},
		ReadOnly:  true,
		AuthGuard: newAuthGuard(e, []*specs.Site{s}, *force),
	})
	c := nagios.Judge(r, th, time.Now())
	c.LongLines(r.Verdict)
	if err := c.Write(e.stdout); err != nil {
		return int(nagios.Unknown)
	}
	return int(c.State)
}

// checkSite loads the specs and returns the one site named.
func checkSite(e env, paths []string, name string) (*specs.Site, error) {
	sites, err := specLoader(e, paths, []string{name})()
	if err != nil {
		return nil, err
	}
	if len(sites) != 1 {
		names := make([]string, len(sites))
		for i, s := range sites {
			names[i] = s.Name
		}
		return nil, fmt.Errorf("--site %q matches %d sites (%s): a check is about one", name, len(sites), strings.Join(names, ", "))
	}
	return sites[0], nil
}

// unknown prints an UNKNOWN status line (the details go to stderr's
// place in the long output) and returns exit code 3.
func unknown(e env, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	first, rest, _ := strings.Cut(strings.TrimSpace(msg), "\n")
	c := nagios.Check{State: nagios.Unknown, Line: first}
	if rest != "" {
		c.Long = strings.Split(rest, "\n")
	}
	_ = c.Write(e.stdout)
	return int(nagios.Unknown)
}

func days(d float64) time.Duration { return time.Duration(d * 24 * float64(time.Hour)) }
