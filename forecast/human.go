package forecast

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/smtpspec/smtpspec/report"
)

// WriteHuman writes fc for a terminal: the board, then each site that
// breaks or may break, soonest first, with the verdict it would get and
// the fix; the sites that survive everything in one line.
func WriteHuman(w io.Writer, fc *Forecast, meta report.Run) error {
	b := NewBoard(fc)
	var out strings.Builder
	fmt.Fprintf(&out, "forecast: %d site(s) x %d change(s), offline against the Microsoft 365 simulator (%d runs, %d reused, %s)\n",
		b.Total, len(b.Changes), fc.Runs, fc.Reused, fc.Elapsed.Round(time.Millisecond))
	if meta.Interrupted != "" || fc.Interrupted {
		fmt.Fprintf(&out, "INTERRUPTED%s: the sites not done are marked so\n", orEmpty(" by "+meta.Interrupted, meta.Interrupted))
	}
	fmt.Fprintf(&out, "broken today: %d\n\n", b.BrokenToday)
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANGE\tDATE\tBREAKS\tUNKNOWN\tSURVIVES\tBROKEN TODAY\tCONFIRMED")
	for _, n := range b.PerChange {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\n", n.Change.ID, n.Change.Date, n.Breaks, n.Unknown, n.Survives, n.Already,
			yesNo(n.Change.Confirmed))
	}
	tw.Flush()
	if len(b.Customers) > 1 || len(b.Customers) == 1 && b.Customers[0].Customer != "" {
		out.WriteString("\n")
		tw = tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CUSTOMER\tSITES\tBROKEN TODAY\tBREAK\tUNKNOWN\tSAFE")
		for _, r := range b.Customers {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", customerName(r.Customer), r.Sites, r.BrokenToday, r.Break, r.Unknown, r.Safe)
		}
		tw.Flush()
	}
	var safe []string
	for _, s := range b.Sites {
		if worst(s) == Survives && s.Today.Works() {
			safe = append(safe, s.Name)
			continue
		}
		out.WriteString("\n")
		humanSite(&out, s)
	}
	if len(safe) > 0 {
		fmt.Fprintf(&out, "\nsurvive every change: %s\n", strings.Join(safe, ", "))
	}
	writeLegend(&out)
	_, err := io.WriteString(w, out.String())
	return err
}

// humanSite writes one site that breaks or may.
func humanSite(b *strings.Builder, s *SiteForecast) {
	fmt.Fprintf(b, "%s (%s%s) -> %s\n", s.Name, s.Method, orEmpty(", "+s.Customer, s.Customer), s.Endpoint)
	if s.Interrupted {
		b.WriteString("  interrupted: not forecast\n")
		return
	}
	for _, n := range s.Notes {
		fmt.Fprintf(b, "  note: %s\n", n)
	}
	if !s.Today.Works() {
		fmt.Fprintf(b, "  BROKEN TODAY (%s): %s\n", s.Today.Status, s.Today.Verdict.Line())
		writeFix(b, s.TodayFix, "    ")
		for _, c := range laterSteps(s) {
			fmt.Fprintf(b, "    and for %s (%s): %s\n", c.Change.ID, c.Change.Date, c.Fix.Title)
		}
		return
	}
	fmt.Fprintf(b, "  today: works (%s)\n", s.Today.Status)
	var survives []string
	for _, c := range s.Cells {
		switch c.Outcome {
		case Survives:
			survives = append(survives, c.Change.ID)
			continue
		case Breaks:
			fmt.Fprintf(b, "  BREAKS at %s (%s): %s\n", c.Change.ID, c.Change.Date, verdictLine(c))
		case Unknown:
			fmt.Fprintf(b, "  unknown at %s (%s): needs %s\n", c.Change.ID, c.Change.Date, c.Needs)
			if c.Verdict != nil {
				fmt.Fprintf(b, "    if it goes against the device: %s\n", c.Verdict.Line())
			}
		}
		writeFix(b, c.Fix, "    ")
	}
	if len(survives) > 0 {
		fmt.Fprintf(b, "  survives: %s\n", strings.Join(survives, ", "))
	}
}

func writeFix(b *strings.Builder, f *Fix, indent string) {
	if f == nil {
		return
	}
	how := "not verified: the simulator cannot play it"
	if f.Verified {
		how = "verified in the simulator"
	}
	fmt.Fprintf(b, "%sfix: %s (%s): %s\n", indent, f.Title, how, f.Text)
	if len(f.Alternatives) > 0 {
		fmt.Fprintf(b, "%salso: %s\n", indent, strings.Join(f.Alternatives, "; "))
	}
	if f.Stopgap != "" {
		fmt.Fprintf(b, "%sstopgap: %s\n", indent, f.Stopgap)
	}
}

func writeLegend(b *strings.Builder) {
	b.WriteString("\nbreaks: works today, fails under the change; unknown: the spec cannot tell (needs says what would); " +
		"each verdict is the one `smtpspec run` gives against the simulator. Changes Microsoft has not confirmed are played as " +
		"the project's sourced facts describe them, never as certain.\n")
}

// laterSteps are the cells of a site broken today whose fix needs more
// than today's: the change still breaks the site once today's fix is done.
func laterSteps(s *SiteForecast) []*Cell {
	var out []*Cell
	for _, c := range s.Cells {
		if c.Fix != nil && s.TodayFix != nil && c.Fix.Path != s.TodayFix.Path {
			out = append(out, c)
		}
	}
	return out
}

func verdictLine(c *Cell) string {
	if c.Verdict == nil {
		return "not run"
	}
	return c.Verdict.Line()
}

func customerName(c string) string {
	if c == "" {
		return "(no customer)"
	}
	return c
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// orEmpty is s when cond is not empty.
func orEmpty(s, cond string) string {
	if cond == "" {
		return ""
	}
	return s
}
