package specs

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// SpecExt is the extension LoadPaths looks for in directories.
const SpecExt = ".hcl"

// expandPath returns the spec files a command-line path stands for: the
// file itself, or every *.hcl below a directory, sorted. Hidden
// directories (.git and the like) are skipped. Problems with the path are
// diagnostics without a Subject: they are about the command line, not
// about a line of a spec.
func expandPath(p string) ([]string, hcl.Diagnostics) {
	info, err := os.Stat(p)
	switch {
	case os.IsNotExist(err):
		return nil, pathError("Spec path not found",
			"%s does not exist. Give a spec file (.hcl) or a directory of them.", p)
	case err != nil:
		return nil, pathError("Cannot read spec path", "%v.", err)
	case !info.IsDir():
		return []string{p}, nil
	}

	var files []string
	var diags hcl.Diagnostics
	walkErr := filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			diags = append(diags, pathError("Cannot read spec path", "%v.", err)...)
			return nil
		}
		if e.IsDir() && path != p && strings.HasPrefix(e.Name(), ".") {
			return filepath.SkipDir
		}
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), SpecExt) {
			files = append(files, path)
		}
		return nil
	})
	if walkErr != nil {
		diags = append(diags, pathError("Cannot read spec path", "%v.", walkErr)...)
	}
	if len(files) == 0 && !diags.HasErrors() {
		diags = append(diags, pathError("No spec files",
			"The directory %s has no %s files (searched recursively).", p, SpecExt)...)
	}
	slices.Sort(files)
	return files, diags
}

func pathError(summary, format string, args ...any) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
	}}
}
