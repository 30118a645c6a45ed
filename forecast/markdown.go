package forecast

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/report"
)

// WriteMarkdown writes the fleet board as Markdown (a CI job summary, a
// ticket, a wiki page): counts per change and per customer, changes by
// date, the sites that break soonest first with their verdict and fix.
func WriteMarkdown(w io.Writer, fc *Forecast, meta report.Run) error {
	b := NewBoard(fc)
	var out strings.Builder
	out.WriteString("# Microsoft 365 change forecast\n\n")
	fmt.Fprintf(&out, "%d site(s) against %d announced change(s), run offline against the built-in Microsoft 365 simulator", b.Total, len(b.Changes))
	if !meta.Started.IsZero() {
		fmt.Fprintf(&out, " on %s", meta.Started.UTC().Format("2006-01-02 15:04 UTC"))
	}
	fmt.Fprintf(&out, ". **%d broken today.**", b.BrokenToday)
	if fc.Interrupted {
		out.WriteString(" **Interrupted**: the sites not done are marked so.")
	}
	out.WriteString("\n\n## By change\n\n| change | date | confirmed | breaks | unknown | survives | broken today |\n|---|---|---|---|---|---|---|\n")
	for _, n := range b.PerChange {
		c := n.Change
		fmt.Fprintf(&out, "| **%s**<br>%s | %s | %s | %d | %d | %d | %d |\n", c.ID, md(c.Title), md(c.Date), confirmedCell(c),
			n.Breaks, n.Unknown, n.Survives, n.Already)
	}
	out.WriteString("\n## By customer\n\n| customer | sites | broken today | break | unknown | safe |")
	for _, c := range b.Changes {
		fmt.Fprintf(&out, " %s |", c.ID)
	}
	out.WriteString("\n|---|---|---|---|---|---|" + strings.Repeat("---|", len(b.Changes)) + "\n")
	for _, r := range b.Customers {
		fmt.Fprintf(&out, "| %s | %d | %d | %d | %d | %d |", md(customerName(r.Customer)), r.Sites, r.BrokenToday, r.Break, r.Unknown, r.Safe)
		for _, n := range r.PerChange {
			fmt.Fprintf(&out, " %s |", countCell(n))
		}
		out.WriteString("\n")
	}
	out.WriteString("\n## Sites, soonest to break first\n\n| site | customer | method | today |")
	for _, c := range b.Changes {
		fmt.Fprintf(&out, " %s |", c.ID)
	}
	out.WriteString("\n|---|---|---|---|" + strings.Repeat("---|", len(b.Changes)) + "\n")
	for _, s := range b.Sites {
		today := "works"
		if !s.Today.Works() {
			today = "**broken**"
		}
		fmt.Fprintf(&out, "| [%s](#%s) | %s | %s | %s |", md(s.Name), anchor(s.Name), md(customerName(s.Customer)), s.Method, today)
		for _, c := range s.Cells {
			fmt.Fprintf(&out, " %s |", outcomeWord(c))
		}
		out.WriteString("\n")
	}
	for _, s := range b.Sites {
		if worst(s) == Survives && s.Today.Works() {
			continue
		}
		markdownSite(&out, s)
	}
	var legend strings.Builder
	writeLegend(&legend)
	out.WriteString("\n" + strings.TrimSpace(legend.String()) + "\n")
	_, err := io.WriteString(w, out.String())
	return err
}

func markdownSite(b *strings.Builder, s *SiteForecast) {
	fmt.Fprintf(b, "\n### %s\n<a id=\"%s\"></a>\n\n", md(s.Name), anchor(s.Name))
	fmt.Fprintf(b, "%s to `%s`%s, spec `%s`.\n\n", s.Method, s.Endpoint, orEmpty(", customer "+md(s.Customer), s.Customer), s.File)
	for _, n := range s.Notes {
		fmt.Fprintf(b, "- note: %s\n", md(n))
	}
	if s.Interrupted {
		b.WriteString("- interrupted: not forecast\n")
		return
	}
	if !s.Today.Works() {
		fmt.Fprintf(b, "- **broken today** (%s): %s\n", s.Today.Status, md(s.Today.Verdict.Line()))
		markdownFix(b, s.TodayFix)
		for _, c := range laterSteps(s) {
			fmt.Fprintf(b, "  - and for %s (%s): %s\n", c.Change.ID, md(c.Change.Date), md(c.Fix.Title))
		}
		return
	}
	for _, c := range s.Cells {
		switch c.Outcome {
		case Breaks:
			fmt.Fprintf(b, "- **breaks at %s** (%s): %s\n", c.Change.ID, md(c.Change.Date), md(verdictLine(c)))
		case Unknown:
			fmt.Fprintf(b, "- unknown at %s (%s): needs %s\n", c.Change.ID, md(c.Change.Date), md(c.Needs))
			if c.Verdict != nil {
				fmt.Fprintf(b, "  - if it goes against the device: %s\n", md(c.Verdict.Line()))
			}
		default:
			continue
		}
		markdownFix(b, c.Fix)
	}
}

func markdownFix(b *strings.Builder, f *Fix) {
	if f == nil {
		return
	}
	how := "not verified"
	if f.Verified {
		how = "verified in the simulator"
	}
	fmt.Fprintf(b, "  - fix: **%s** (%s): %s\n", md(f.Title), how, md(f.Text))
	if len(f.Alternatives) > 0 {
		fmt.Fprintf(b, "  - also: %s\n", md(strings.Join(f.Alternatives, "; ")))
	}
	if f.Stopgap != "" {
		fmt.Fprintf(b, "  - stopgap: %s\n", md(f.Stopgap))
	}
}

// cellWords are the matrix cells in words, by Cell.Kind.
var cellWords = map[string]string{"already": "broken", "breaks": "**BREAKS**", "unknown": "unknown", "survives": "ok"}

// outcomeWord is a matrix cell in words.
func outcomeWord(c *Cell) string { return cellWords[c.Kind()] }

func countCell(n Count) string {
	s := fmt.Sprintf("%d", n.Breaks)
	if n.Unknown > 0 {
		s += fmt.Sprintf(" (+%d?)", n.Unknown)
	}
	return s
}

func confirmedCell(c *Change) string {
	if c.Confirmed {
		if c.Unconfirmed != "" {
			return "yes; UNCONFIRMED: " + md(c.Unconfirmed)
		}
		return "yes"
	}
	return "**no**: " + md(c.Unconfirmed)
}

// md escapes text for a Markdown table cell or list item.
func md(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "'").Replace(s)
}

// anchor is a site's link target.
func anchor(name string) string {
	return "site-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return '-'
	}, name)
}
