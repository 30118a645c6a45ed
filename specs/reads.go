package specs

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Reads says what the Loader does with what a site reads from the machine
// it runs on: environment variables (env()) and files (file(), ca_file).
// A repository holds many sites and each CI job holds only its own
// site's secrets, so only the sites a command uses are resolved; the
// others are decoded for their names and settings, by reference.
type Reads int

const (
	// Require reads every variable and file the site names, secrets
	// included; one that is unset or cannot be read is an error. What a
	// command that probes the site needs, and the default.
	Require Reads = iota
	// Need reads no secret (a secret is a reference, Secret.IsSet false);
	// an unset variable or unreadable file is a warning that the site
	// will need it where it runs (validate without --strict).
	Need
	// Quiet is Need without the warnings: the sites a command did not
	// select, loaded only so that their names and settings are known.
	Quiet
)

// Select makes the Loader resolve only the sites whose name match
// accepts (nil: every site), as SetReads says; every other site is
// loaded Quiet. Call it before loading.
func (l *Loader) Select(match func(site string) bool) { l.match = match }

// SetReads sets how the selected sites are loaded (default Require).
func (l *Loader) SetReads(r Reads) { l.reads = r }

// readsFor is how the site named name is loaded.
func (l *Loader) readsFor(name string) Reads {
	if l.match != nil && !l.match(name) {
		return Quiet
	}
	return l.reads
}

// needs reports what the site reads from the environment but is not set,
// as its Reads says: an error at each env() call (Require), one warning
// at the site listing them all (Need: validate, where a repository of
// many sites would otherwise print a page per site), or nothing (Quiet).
// Files are reported where they are read (missingFile).
func (d *decoder) needs(site string, decl hcl.Range) {
	var unset []EnvVar
	for _, v := range d.env {
		if !v.Set {
			unset = append(unset, v)
		}
	}
	switch {
	case len(unset) == 0:
	case d.mode == Require:
		for _, v := range unset {
			if d.reported[v.Range] {
				continue // the file defaults', read by an earlier site
			}
			d.reported[v.Range] = true
			summary, detail := envUnsetMessage(v, site)
			d.errorAt(v.Range, summary, "%s", detail)
		}
	case d.mode == Need:
		w := words{"Environment variable", "an environment variable", "is", "it", "a secret or pipeline variable"}
		if n := distinct(unset); n > 1 {
			w = words{"Environment variables", fmt.Sprintf("%d environment variables", n), "are", "them", "secrets or pipeline variables"}
		}
		d.warningAt(decl, w.title+" not set here",
			"Site %q reads %s that %s not set in this environment. validate does not need %s; the site's job "+
				"does: set %s there, as %s.\n%s"+
				"`smtpspec validate --strict` makes this an error; `smtpspec validate --list-env` lists what every "+
				"site reads.", site, w.count, w.is, w.it, w.it, w.as, unsetTable(unset))
	}
}

// words are the singular or plural of the Need warning.
type words struct{ title, count, is, it, as string }

// unsetTable lists each variable once with every place it is read:
//
//	HQ_USER      auth.username (line 17), envelope.from (line 21)
//	HQ_PASSWORD  auth.password (line 18), a secret
func unsetTable(unset []EnvVar) string {
	var order []string
	uses := map[string][]string{}
	secret := map[string]bool{}
	width := 0
	for _, v := range unset {
		if _, seen := uses[v.Name]; !seen {
			order = append(order, v.Name)
			width = max(width, len(v.Name))
		}
		uses[v.Name] = append(uses[v.Name], fmt.Sprintf("%s (line %d)", v.Where(), v.Range.Start.Line))
		secret[v.Name] = secret[v.Name] || v.Secret
	}
	var b strings.Builder
	for _, name := range order {
		fmt.Fprintf(&b, "  %-*s  %s", width, name, strings.Join(uses[name], ", "))
		if secret[name] {
			b.WriteString(", a secret")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func distinct(vars []EnvVar) int {
	seen := map[string]bool{}
	for _, v := range vars {
		seen[v.Name] = true
	}
	return len(seen)
}

func envUnsetMessage(v EnvVar, site string) (summary, detail string) {
	return fmt.Sprintf("Environment variable %s is not set", v.Name),
		fmt.Sprintf("env(%q) reads %s from the environment smtpspec runs in, for %s of site %q, and it is "+
			"unset or empty. Set it there (in CI, as a secret or pipeline variable of the site's job) and run again.",
			v.Name, v.Name, v.Where(), site)
}

// missingFile reports a file the site reads that cannot be read here: an
// error when the site is required, a warning that it will need the file
// when it runs (Need), nothing when it is not selected.
func (d *decoder) missingFile(r hcl.Range, summary, detail string) {
	switch d.mode {
	case Require:
		d.errorAt(r, summary, "%s", detail)
	case Need:
		d.warningAt(r, summary+" here", "%s This is fine for validate if the file is there where the site runs; "+
			"`smtpspec validate --strict` makes it an error.", detail)
	}
}
