package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/report"
)

// writeLegend explains, before the first result, how to read the demo: an
// example that Microsoft 365 refuses passes when the refusal is what it
// documents, what each status means, and the checklist steps the verdicts
// cite.
func writeLegend(w io.Writer) {
	fmt.Fprintln(w, "How to read it: each example documents, with expect blocks, the outcome its scenario produces. A site that")
	fmt.Fprintln(w, "Microsoft 365 refuses (550 5.7.606, a stalled EHLO, a 535) PASSES when the refusal is exactly the one its spec")
	fmt.Fprintln(w, "expects: PASS means \"as documented\", not \"mail flows\". The verdict after the name says what happened.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Statuses:")
	for _, s := range report.Statuses() {
		fmt.Fprintf(w, "  %-11s %s\n", strings.ToUpper(string(s.Status)), s.Meaning)
	}
	fmt.Fprintln(w, "Checklist steps a verdict names (\"firewall at ehlo (step 3)\"):")
	titles := report.StepTitles()
	for i := 0; i < len(titles); i += 2 {
		line := fmt.Sprintf("  %2d %-58s", i+1, titles[i])
		if i+1 < len(titles) {
			line += fmt.Sprintf(" %2d %s", i+2, titles[i+1])
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

// writeNext closes the demo with the first command of a real site.
func writeNext(w io.Writer) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "next: smtpspec init --method submission --site my-printer --domain example.com")
	fmt.Fprintln(w, "      writes specs/my-printer.hcl (direct_send and relay too); export the secret it names, then")
	fmt.Fprintln(w, "      smtpspec validate, smtpspec run, and smtpspec run --update --site my-printer once the transcript is right.")
	fmt.Fprintln(w, "      To try your spec without Microsoft 365 first: smtpspec sim --scenario submission-ok --domain example.com --ca-out sim-ca.pem")
}
