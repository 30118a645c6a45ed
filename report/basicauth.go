package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
)

// BasicAuthSites returns the results whose site authenticates to Exchange
// Online with a password (finding diagnosis.BasicAuthRetirement), in order.
func BasicAuthSites(results []*runner.Result) []*runner.Result {
	var out []*runner.Result
	for _, r := range results {
		for _, f := range r.Verdict.Findings {
			if f.ID == diagnosis.BasicAuthRetirement {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// WriteBasicAuthSection writes the Markdown section that lists, across
// every site of the run, those that still send a password to Exchange
// Online: an MSP's exposure to the end of basic authentication (disabled
// by default for existing tenants at the end of December 2026). It writes
// nothing when no site does.
func WriteBasicAuthSection(w io.Writer, results []*runner.Result) error {
	sites := BasicAuthSites(results)
	if len(sites) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Basic authentication: %d site(s) stop working by default at the end of December 2026\n\n", len(sites))
	b.WriteString("These sites authenticate to Exchange Online with a password (AUTH LOGIN/PLAIN). " +
		"Microsoft disables SMTP AUTH basic authentication by default for existing tenants at the end of December 2026.\n\n")
	b.WriteString("| site | method | endpoint | mechanism | user | status today |\n|---|---|---|---|---|---|\n")
	for _, r := range sites {
		s := r.Site
		mech, user := "", ""
		if s.Auth != nil {
			mech, user = string(s.Auth.Mechanism), s.Auth.Username
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(s.Name), s.Method, cell(r.Transcript.Target),
			mech, cell(user), r.Status)
	}
	// The alternatives of the finding's next step (diagnosis/basicauth.go),
	// for a Markdown reader, with the same hosts.
	b.WriteString("\nAlternatives: OAuth (`auth { mechanism = \"XOAUTH2\" oauth { ... } }` proves the path now), " +
		"High Volume Email (`" + catalog.HVEHost + "`, formerly `" + catalog.HVEHostOld + "`; internal recipients only), Azure Communication Services Email " +
		"(`" + catalog.ACSHost + "`), or a relay connector by certificate or static IP (`method = \"relay\"`).\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("basic-auth section: %w", err)
	}
	return nil
}
