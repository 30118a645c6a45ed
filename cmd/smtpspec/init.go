package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

//go:embed templates/*.hcl.tmpl
var initTemplates embed.FS

// initData fills a template.
type initData struct {
	Site, Domain, MXHost, Secret string
}

var siteName = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// cmdInit writes a commented starting spec for one site: Microsoft's
// recommended settings for the method, secrets as env(...) placeholders.
// It never overwrites a file unless --force, and checks that what it
// wrote loads cleanly.
func cmdInit(_ context.Context, e env, args []string) int {
	flags := newFlags("init", "--method METHOD --site NAME [--domain DOMAIN] [--out FILE|-] [--force]", e)
	method := flags.String("method", "", "submission, direct_send or relay (required)")
	site := flags.String("site", "", "the site's `NAME`, also its golden's file name (required)")
	domain := flags.String("domain", "contoso.com", "the tenant's mail `DOMAIN`, for addresses and the MX host")
	out := flags.String("out", "", "where to write (`FILE`, or - for stdout); default specs/NAME.hcl")
	force := flags.Bool("force", false, "overwrite an existing file")
	if rest, err := parse(flags, args); err != nil || len(rest) > 0 {
		if err == nil {
			errorf(e.stderr, "init takes no arguments (got %q): name the site with --site", rest)
		}
		return flagExit(e, flags, err)
	}
	switch {
	case !slices.Contains(transcript.Names(transcript.Methods), *method): // templates/ has a starting spec for each
		errorf(e.stderr, "init: --method must be one of %s", strings.Join(transcript.Names(transcript.Methods), ", "))
		return exitUsage
	case !siteName.MatchString(*site):
		errorf(e.stderr, "init: --site %q: use letters, digits, '-', '_' and '.', like hq-mfp-3f", *site)
		return exitUsage
	}
	src, err := renderInit(*method, *site, *domain)
	if err != nil {
		errorf(e.stderr, "init: %v", err)
		return exitFail
	}
	if *out == "-" {
		e.stdout.Write(src)
		return exitOK
	}
	path := *out
	if path == "" {
		path = filepath.Join("specs", *site+specs.SpecExt)
	}
	if _, err := os.Stat(path); err == nil && !*force {
		errorf(e.stderr, "init: %s exists; use --force to overwrite it", path)
		return exitUsage
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		errorf(e.stderr, "init: %v", err)
		return exitFail
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		errorf(e.stderr, "init: %v", err)
		return exitFail
	}
	if err := atomicfile.Write(path, src); err != nil {
		errorf(e.stderr, "init: %v", err)
		return exitFail
	}
	fmt.Fprintf(e.stdout, "wrote %s: replace the example addresses, then run\n", path)
	if transcript.Method(*method) == transcript.Submission {
		fmt.Fprintf(e.stdout, "  export %s='...'   # the mailbox password, from your secret store\n", secretName(*site))
	}
	fmt.Fprintf(e.stdout, "  smtpspec validate %s\n  smtpspec run -v --site %s   # review the transcript it prints, then record it:\n"+
		"  smtpspec review --site %s --accept\n", path, *site, *site)
	return exitOK
}

// renderInit fills the method's template, formats it canonically and
// checks that it loads (with a stand-in for the secret).
func renderInit(method, site, domain string) ([]byte, error) {
	t, err := template.ParseFS(initTemplates, "templates/"+method+".hcl.tmpl")
	if err != nil {
		return nil, err
	}
	data := initData{Site: site, Domain: domain, Secret: secretName(site),
		MXHost: strings.ReplaceAll(domain, ".", "-") + ".mail.protection.outlook.com"}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	src := hclwrite.Format(b.Bytes())
	stand := func(name string) string {
		if name == data.Secret {
			return "stand-in"
		}
		return ""
	}
	if _, diags := specs.NewLoader(stand).LoadSource(site+specs.SpecExt, src); diags.HasErrors() {
		return nil, fmt.Errorf("the starting spec does not load (a bug): %v", diags)
	}
	return src, nil
}

// secretName is the environment variable a site's password is read from:
// HQ_MFP_3F_SMTP_PASSWORD for hq-mfp-3f.
func secretName(site string) string {
	up := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, site)
	return up + "_SMTP_PASSWORD"
}
