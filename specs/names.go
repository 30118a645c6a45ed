package specs

import (
	"fmt"
	"os"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// GoldenNames returns the name of every golden the specs under paths
// (files, or directories searched as LoadPaths does) declare: each site's
// and, for a site with a control block, its control's (<site>.control).
// It only parses the files: no env(), no file(), no checks, so it works
// where no secret is set and says nothing about whether a spec is valid.
// A file that does not parse is an error, since its sites cannot be known:
// a caller deciding which goldens are orphans must not guess.
func GoldenNames(paths ...string) ([]string, error) {
	var names []string
	for _, p := range paths {
		files, diags := expandPath(p)
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s: %s", diags[0].Summary, diags[0].Detail)
		}
		for _, f := range files {
			n, err := fileGoldenNames(f)
			if err != nil {
				return nil, err
			}
			names = append(names, n...)
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// fileGoldenNames is GoldenNames of one file.
func fileGoldenNames(path string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			at := path
			if d.Subject != nil {
				at = fmt.Sprintf("%s line %d", path, d.Subject.Start.Line)
			}
			return nil, fmt.Errorf("%s does not parse: %s", at, d.Summary)
		}
	}
	var names []string
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "site" || len(b.Labels) != 1 {
			continue
		}
		names = append(names, b.Labels[0])
		for _, inner := range b.Body.Blocks {
			if inner.Type == "control" {
				names = append(names, b.Labels[0]+ControlSuffix)
				break
			}
		}
	}
	return names, nil
}
