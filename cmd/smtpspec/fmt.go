package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
	"github.com/smtpspec/smtpspec/specs"
)

// cmdFmt rewrites spec files in canonical form (hclwrite.Format: the
// layout `terraform fmt` gives HCL), so reviews of spec changes show
// meaning, not spacing. --check writes nothing, lists the files that would
// change and exits 1 if any would. A file with a syntax error is reported
// and left alone (exit 2).
func cmdFmt(_ context.Context, e env, args []string) int {
	flags := newFlags("fmt", "[--check] [PATH...]   (default PATH: specs/)", e)
	check := flags.Bool("check", false, "do not write; list files that are not formatted and exit 1 if any")
	paths, err := parse(flags, args)
	if err != nil {
		return flagExit(e, flags, err)
	}
	if len(paths) == 0 {
		paths = []string{"specs"}
	}
	files, err := specFiles(paths)
	if err != nil {
		errorf(e.stderr, "fmt: %v", err)
		return exitUsage
	}
	code := exitOK
	for _, f := range files {
		changed, err := formatFile(f, *check)
		switch {
		case err != nil:
			errorf(e.stderr, "fmt: %v", err)
			code = exitUsage
		case changed:
			fmt.Fprintln(e.stdout, f)
			if *check && code == exitOK {
				code = exitFail
			}
		}
	}
	return code
}

// formatFile formats one file; changed says it was (or, with check,
// would be) rewritten.
func formatFile(path string, check bool) (changed bool, err error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	if _, diags := hclwrite.ParseConfig(src, path, hcl.InitialPos); diags.HasErrors() {
		return false, fmt.Errorf("%s: not formatted: %s", path, diags.Error())
	}
	out := hclwrite.Format(src)
	if bytes.Equal(src, out) {
		return false, nil
	}
	if check {
		return true, nil
	}
	return true, atomicfile.Write(path, out)
}

// specFiles expands paths: files as given, directories searched for
// *.hcl (hidden folders skipped), sorted.
func specFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, specs.SpecExt) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}
