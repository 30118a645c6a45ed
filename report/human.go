package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// Human writes the summary a technician reads: one line per site (status,
// verdict, evidence) and, for sites that did not pass, the stages, what
// failed, the next action and the golden drift.
type Human struct {
	Color   bool // ANSI colour (only when writing to a terminal)
	Verbose bool // print every site's transcript

	// fixShownFor remembers, during one Write, which finding's fix was
	// printed and for which site, so repeats say "same as for X".
	fixShownFor map[string]string
	Explain     bool // print the ten-step troubleshooting checklist of every site (checklist.go)
	labelWidth  int  // the longest status of the run ("interrupted"), for aligned labels
}

const (
	red, green, yellow, dim, bold, reset = "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[2m", "\x1b[1m", "\x1b[0m"
	reverse, noReverse                   = "\x1b[7m", "\x1b[27m" // a drift line's changed words
)

func (h Human) paint(code, s string) string {
	if !h.Color {
		return s
	}
	return code + s + reset
}

// Write prints results and a closing count.
func (h Human) Write(w io.Writer, results []*runner.Result) error {
	h.fixShownFor = map[string]string{}
	h.labelWidth = 5
	width := 4
	for _, r := range results {
		width = max(width, len(r.Site.Name))
		h.labelWidth = max(h.labelWidth, len(r.Status))
	}
	for _, r := range results {
		h.site(w, r, width)
	}
	_, err := fmt.Fprintf(w, "\n%d site(s): %s\n", len(results), Counts(results))
	return err
}

func (h Human) statusLabel(s runner.Status) string {
	label := fmt.Sprintf("%-*s", max(h.labelWidth, 5), strings.ToUpper(string(s)))
	switch s {
	case runner.StatusPass:
		return h.paint(green, label)
	case runner.StatusDrift, runner.StatusNew:
		return h.paint(yellow, label)
	case runner.StatusInterrupted:
		return h.paint(dim+bold, label) // not judged: neither red nor green
	}
	return h.paint(red, label)
}

func (h Human) site(w io.Writer, r *runner.Result, width int) {
	v := r.Verdict
	fmt.Fprintf(w, "%s %-*s  %s\n", h.statusLabel(r.Status), width, r.Site.Name, v.Line())
	indent := strings.Repeat(" ", max(h.labelWidth, 5)+1)
	if v.Evidence != "" {
		fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(dim, "evidence:"), v.Evidence)
	}
	h.findings(w, r, indent)  // findings.go
	h.reach(w, r, indent)     // reachability.go
	h.control(w, r, indent)   // control.go
	h.checklist(w, r, indent) // checklist.go (--explain)
	for _, warning := range r.Warnings {
		fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(yellow+bold, "warning: "), warning)
	}
	if h.Verbose {
		for _, l := range strings.Split(strings.TrimSuffix(string(r.Golden), "\n"), "\n") {
			fmt.Fprintf(w, "%s  %s\n", indent, h.paint(dim, l))
		}
	}
	if r.Status == runner.StatusPass {
		return
	}
	fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(dim, "stages:  "), h.stages(r))
	for _, o := range r.Outcomes {
		// A failure whose reason is the verdict's evidence was said already.
		if o.Status == transcript.Fail && o.Reason != v.Evidence {
			fmt.Fprintf(w, "%s%s %s: %s\n", indent, h.paint(dim, "failed:  "), o.Stage, o.Reason)
		}
	}
	if v.Next != "" && v.Category != catalog.OK {
		fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(dim, "next:    "), v.Next)
	}
	switch r.Status {
	case runner.StatusNew:
		fmt.Fprintf(w, "%s%s no golden at %s yet: review this run's transcript (-v) before accepting it\n",
			indent, h.paint(dim, "golden:  "), r.GoldenPath)
	case runner.StatusError:
		fmt.Fprintf(w, "%s%s %v\n", indent, h.paint(dim, "error:   "), r.Err)
	case runner.StatusInterrupted:
		fmt.Fprintf(w, "%s%s none written or compared for this site\n", indent, h.paint(dim, "golden:  "))
	}
	for _, p := range pendingFiles(r) {
		fmt.Fprintf(w, "%s%s this run's golden is in %s\n", indent, h.paint(dim, "pending: "), p)
	}
	if r.Drift != nil {
		h.drift(w, r, indent)
	}
	if cmd := AcceptCommand(r); cmd != "" {
		fmt.Fprintf(w, "%s%s %s\n", indent, h.paint(dim, "accept:  "), cmd)
	}
}

// drift prints the changed stages, each changed line's difference in
// words (drift.go), then the unified diff, its marks in reverse video on
// a terminal.
func (h Human) drift(w io.Writer, r *runner.Result, indent string) {
	fmt.Fprintf(w, "%s%s %s changed (- golden %s, + this run):\n", indent, h.paint(dim, "drift:   "),
		transcript.JoinStages(r.Drift.Stages, ", "), r.GoldenPath)
	for _, c := range changeLines(r.Drift) {
		fmt.Fprintf(w, "%s  %s\n", indent, c)
	}
	on, off := "", ""
	if h.Color {
		on, off = reverse, noReverse
	}
	for _, l := range r.Drift.Lines {
		text := diffLineText(l, on, off)
		switch l.Op {
		case '-':
			text = h.paint(red, text)
		case '+':
			text = h.paint(green, text)
		}
		fmt.Fprintf(w, "%s  %s\n", indent, text)
	}
}

// stages renders "resolve ok, connect ok, banner FAIL, ehlo -" compactly.
func (h Human) stages(r *runner.Result) string {
	var parts []string
	for _, o := range r.Outcomes {
		switch StageStatus(o, r.Transcript.Stage(o.Stage)) {
		case "pass":
			parts = append(parts, string(o.Stage)+" "+h.paint(green, "ok"))
		case "expected":
			parts = append(parts, string(o.Stage)+" "+h.paint(green, "as expected"))
		case "fail":
			parts = append(parts, string(o.Stage)+" "+h.paint(red+bold, "FAIL"))
		case "skip":
			if r.Status == runner.StatusInterrupted && o.Stage == r.Transcript.Interrupted {
				parts = append(parts, string(o.Stage)+" "+h.paint(bold, "interrupted"))
				continue
			}
			parts = append(parts, string(o.Stage)+" "+h.paint(dim, "-"))
		default:
			parts = append(parts, string(o.Stage)+" "+h.paint(dim, "-"))
		}
	}
	return strings.Join(parts, ", ")
}
