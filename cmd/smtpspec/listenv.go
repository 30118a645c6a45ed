package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/smtpspec/smtpspec/specs"
)

// envList is `validate --list-env --format json`: per site, every
// environment variable it reads and what for. CI templates generate or
// check their per-site jobs from it, so its shape is a contract (more
// keys may be added, none renamed):
//
//	{"sites":[{"name":"hq-mfp","file":"specs/hq.hcl","method":"submission",
//	  "env":[{"name":"HQ_MFP_SMTP_PASSWORD","use":"password","block":"auth","secret":true,"set":false}]}]}
type envList struct {
	Sites []envSite `json:"sites"`
}

type envSite struct {
	Name   string     `json:"name"`
	File   string     `json:"file"` // as loaded, with forward slashes
	Line   int        `json:"line"` // of the site block
	Method string     `json:"method"`
	Env    []envEntry `json:"env"` // in order of first appearance, each variable once
}

type envEntry struct {
	Name   string `json:"name"`
	Use    string `json:"use"`   // password, token, client_secret, key, or the attribute (username, ...)
	Block  string `json:"block"` // auth, auth.oauth, client, control.auth, trace, site, ...
	Secret bool   `json:"secret"`
	Set    bool   `json:"set"` // set in this environment; never the value
}

// newEnvList builds the list of sites, sorted by name.
func newEnvList(sites []*specs.Site) envList {
	l := envList{Sites: []envSite{}}
	for _, s := range sites {
		es := envSite{Name: s.Name, File: filepath.ToSlash(s.DeclRange.Filename), Line: s.DeclRange.Start.Line,
			Method: string(s.Method), Env: []envEntry{}}
		for _, v := range s.EnvVars() {
			es.Env = append(es.Env, envEntry{Name: v.Name, Use: v.Use, Block: v.Block, Secret: v.Secret, Set: v.Set})
		}
		l.Sites = append(l.Sites, es)
	}
	slices.SortFunc(l.Sites, func(a, b envSite) int { return strings.Compare(a.Name, b.Name) })
	return l
}

// listEnv prints the list; with --strict a variable unset here is an
// error (exit 2), for a job that checks it holds everything its site needs.
func listEnv(e env, sites []*specs.Site, f validateFlags) int {
	l := newEnvList(sites)
	var err error
	if f.format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(l)
	} else {
		err = l.writeHuman(e.stdout)
	}
	if err != nil {
		errorf(e.stderr, "%v", err)
		return exitUsage
	}
	if unset := unsetVars(sites); f.strict && len(unset) > 0 {
		slices.Sort(unset)
		errorf(e.stderr, "--strict: not set in this environment: %s", strings.Join(unset, ", "))
		return exitUsage
	}
	return exitOK
}

// writeHuman is a table: one line per variable, a site without any on a
// line of its own, then the counts.
func (l envList) writeHuman(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tFILE\tVARIABLE\tFOR\tSECRET\tSET HERE")
	vars, unset := 0, 0
	for _, s := range l.Sites {
		file := fmt.Sprintf("%s:%d", s.File, s.Line)
		if len(s.Env) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t(none)\t\t\t\n", s.Name, file)
		}
		for _, v := range s.Env {
			vars++
			if !v.Set {
				unset++
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, file, v.Name, where(v), yesNo(v.Secret), yesNo(v.Set))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("list-env: %w", err)
	}
	_, err := fmt.Fprintf(w, "\n%d site(s), %d variable(s), %d not set here\n", len(l.Sites), vars, unset)
	return err
}

// where is the attribute a variable feeds, as EnvVar.Where spells it.
func where(v envEntry) string {
	return specs.EnvVar{Use: v.Use, Block: v.Block}.Where()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
