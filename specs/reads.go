package specs

import (
	"fmt"

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

// needs reports what the site read from the environment but was not set,
// once per env() call, as its Reads says: an error (Require), a warning
// (Need) or nothing (Quiet). Files are reported where they are read
// (missingFile).
func (d *decoder) needs(site string) {
	for _, v := range d.env {
		if v.Set || d.reported[v.Range] || d.mode == Quiet {
			continue
		}
		d.reported[v.Range] = true
		switch d.mode {
		case Require:
			summary, detail := envUnsetMessage(v, site)
			d.errorAt(v.Range, summary, "%s", detail)
		case Need:
			kind := "a setting"
			if v.Secret {
				kind = "a secret"
			}
			d.warningAt(v.Range, "Environment variable "+v.Name+" is not set here",
				"Site %q reads %s (%s, %s) when it runs. It is not set in this environment, which validate does "+
					"not need; the site's job does: set it there, as a secret or pipeline variable. "+
					"`smtpspec validate --strict` makes this an error; `smtpspec validate --list-env` lists what "+
					"every site reads.", site, v.Name, v.Where(), kind)
		}
	}
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
