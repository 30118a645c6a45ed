// Package nagios turns one site's result into a Nagios plugin answer: a
// state (exit code), one status line with performance data, and a few
// lines of long output, as Icinga, Checkmk, Naemon and the RMM tools that
// run scripts at a site read them (Nagios Plugin Development Guidelines;
// monitoring-plugins.org/doc/guidelines.html). It probes nothing itself.
package nagios

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// State is a plugin's exit code.
type State int

const (
	OK       State = 0
	Warning  State = 1
	Critical State = 2
	Unknown  State = 3
)

var stateNames = [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}

func (s State) String() string {
	if s < OK || s > Unknown {
		return "UNKNOWN"
	}
	return stateNames[s]
}

// Thresholds are the check's limits; a zero value is no limit.
type Thresholds struct {
	CertWarn, CertCrit time.Duration // the earliest certificate expires within
	TimeWarn, TimeCrit time.Duration // the probe took longer than
}

// DefaultThresholds: a certificate that expires within 21 days is a
// WARNING (time to act before it breaks), within 7 days CRITICAL.
var DefaultThresholds = Thresholds{CertWarn: 21 * 24 * time.Hour, CertCrit: 7 * 24 * time.Hour}

// Check is one site's answer.
type Check struct {
	State  State
	Line   string   // the status text after "SMTPSPEC STATE - "
	Long   []string // long output, one line each
	Perf   []Perf
	Reason []string // why the state is what it is (each raise), for the long output
}

// Judge decides the state of r:
//   - CRITICAL: the site failed (a stage or an expectation), or the guard
//     answered (its mailbox failed AUTH recently: the recorded failure is
//     the site's state), or a threshold's critical limit is passed;
//   - WARNING: it passed but drifted from its golden, carries a finding of
//     warning or error severity (basic-auth retirement at the end of
//     December 2026, an OAuth token problem, a client certificate about to
//     expire), a report warning (insecure_skip_verify), or a warning limit
//     is passed;
//   - UNKNOWN: the run could not judge the site (the AUTH-failure state or
//     the golden could not be read);
//   - OK otherwise, also for a site without a golden (drift is then not
//     checked, and the long output says so).
func Judge(r *runner.Result, th Thresholds, now time.Time) (c Check) {
	c.State = OK
	var tags []string // what raised the state, first on the status line (it may be clipped)
	raise := func(s State, tag, why string) {
		c.State = max(c.State, s) // never Unknown: that is decided below, alone
		tags = append(tags, tag)
		c.Reason = append(c.Reason, s.String()+": "+why)
	}
	defer func() {
		c.Line = r.Site.Name + ": "
		if len(tags) > 0 && c.State != Unknown {
			c.Line += strings.Join(tags, ", ") + "; "
		}
		c.Line += r.Verdict.Line()
	}()
	var guard *authguard.Refused
	switch {
	case errors.As(r.Err, &guard):
		raise(Critical, "guard", "not probed: the mailbox failed AUTH at "+guard.Last.At.UTC().Format(time.RFC3339)+" ("+guard.Last.Reply+
			"); the guard allows the next probe at "+guard.Next.UTC().Format(time.RFC3339))
	case r.Status == runner.StatusError, r.Status == runner.StatusInterrupted:
		// An interrupted check (the scheduler stopped it) says nothing
		// about the site: UNKNOWN, like a check that could not run.
		c.State = Unknown
		c.Reason = append(c.Reason, "UNKNOWN: "+errText(r.Err))
		return c
	case r.Status == runner.StatusFail:
		raise(Critical, "failed", "a stage failed or an expectation was not met (see the verdict)")
	case r.Status == runner.StatusDrift:
		raise(Warning, "drift", "the transcript drifted from the golden ("+transcript.JoinStages(r.Drift.Stages, ", ")+" changed)")
	case r.Status == runner.StatusNew:
		c.Long = append(c.Long, "no golden for this site at "+r.GoldenPath+": drift is not checked")
	}
	for _, f := range r.Verdict.Findings {
		if f.Severity == diagnosis.SevWarning || f.Severity == diagnosis.SevError {
			raise(Warning, f.ID, f.ID+": "+f.Text)
		}
	}
	for _, w := range r.Warnings {
		raise(Warning, "warning", w)
	}
	c.limits(r, th, now, raise)
	c.Perf = perfdata(r, th, now)
	return c
}

// limits applies the thresholds.
func (c *Check) limits(r *runner.Result, th Thresholds, now time.Time, raise func(State, string, string)) {
	if t := r.Transcript.TLS; t != nil && !t.EarliestNotAfter.IsZero() {
		left := t.EarliestNotAfter.Sub(now)
		why := fmt.Sprintf("the server's certificate expires in %.1f days (%s)", left.Hours()/24, t.EarliestNotAfter.UTC().Format("2006-01-02"))
		tag := fmt.Sprintf("certificate expires in %.0f days", left.Hours()/24)
		switch {
		case th.CertCrit > 0 && left < th.CertCrit:
			raise(Critical, tag, why)
		case th.CertWarn > 0 && left < th.CertWarn:
			raise(Warning, tag, why)
		}
	}
	d := r.Transcript.Duration
	switch {
	case th.TimeCrit > 0 && d > th.TimeCrit:
		raise(Critical, "slow", fmt.Sprintf("the probe took %s (critical above %s)", d.Round(time.Millisecond), th.TimeCrit))
	case th.TimeWarn > 0 && d > th.TimeWarn:
		raise(Warning, "slow", fmt.Sprintf("the probe took %s (warning above %s)", d.Round(time.Millisecond), th.TimeWarn))
	}
}

func errText(err error) string {
	if err == nil {
		return "the run could not judge the site"
	}
	return err.Error()
}
