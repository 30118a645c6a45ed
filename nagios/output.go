package nagios

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// Perf is one performance datum: 'label'=value[UOM];warn;crit;min;max.
type Perf struct {
	Label      string
	Value      float64
	UOM        string // "s", or "" for a count
	Warn, Crit string // "" when none
	Min        string
}

func (p Perf) String() string {
	s := fmt.Sprintf("'%s'=%s%s;%s;%s;%s;", p.Label, strconv.FormatFloat(p.Value, 'f', -1, 64), p.UOM, p.Warn, p.Crit, p.Min)
	return strings.TrimRight(s, ";")
}

// maxLine bounds the status line's text: plugins' first line is read into
// fixed buffers by some engines (Nagios Core keeps 4 KB of output).
const maxLine = 400

// Write prints the plugin's output: "SMTPSPEC STATE - text | perfdata",
// then the long output. A reply text could hold '|', which would start
// the performance data early: it is replaced.
func (c Check) Write(w io.Writer) error {
	var b strings.Builder
	b.WriteString("SMTPSPEC " + c.State.String() + " - " + clip(clean(c.Line), maxLine))
	if len(c.Perf) > 0 {
		b.WriteString(" |")
		for _, p := range c.Perf {
			b.WriteString(" " + p.String())
		}
	}
	b.WriteByte('\n')
	for _, l := range append(c.Reason, c.Long...) {
		b.WriteString(clip(clean(l), 2*maxLine) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// LongLines adds the verdict's evidence and next action to the long output.
func (c *Check) LongLines(v diagnosis.Verdict) {
	if v.Evidence != "" {
		c.Long = append(c.Long, "evidence: "+v.Evidence)
	}
	if v.Next != "" && v.Category != catalog.OK {
		c.Long = append(c.Long, "next: "+v.Next)
	}
}

// perfdata is the probe's total time, each stage's time, and the days
// left on the server's certificate.
func perfdata(r *runner.Result, th Thresholds, now time.Time) []Perf {
	t := r.Transcript
	if len(t.Stages) == 0 {
		return nil // not probed
	}
	out := []Perf{{Label: "time", Value: secs(t.Duration), UOM: "s", Warn: durLimit(th.TimeWarn), Crit: durLimit(th.TimeCrit), Min: "0"}}
	for _, s := range t.Stages {
		if s.Status != transcript.Skip && s.Stage != transcript.Quit {
			out = append(out, Perf{Label: string(s.Stage), Value: secs(s.Duration), UOM: "s", Min: "0"})
		}
	}
	if t.TLS != nil && !t.TLS.EarliestNotAfter.IsZero() {
		days := float64(int(t.TLS.EarliestNotAfter.Sub(now).Hours()/24*10)) / 10
		out = append(out, Perf{Label: "cert_days", Value: days, Warn: dayLimit(th.CertWarn), Crit: dayLimit(th.CertCrit)})
	}
	return out
}

func secs(d time.Duration) float64 { return float64(d.Microseconds()) / 1e6 }

func durLimit(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// dayLimit is a lower bound in the threshold syntax ("21:": alert below 21).
func dayLimit(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.FormatFloat(d.Hours()/24, 'f', -1, 64) + ":"
}

func clean(s string) string {
	return strings.NewReplacer("|", "/", "\r", " ", "\n", " ").Replace(s)
}

// clip shortens s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
