package specs

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Loader turns spec files into sites. One Loader is one set of specs: site
// names are unique across everything it loaded, whichever call loaded them.
// A Loader is not safe for concurrent use.
type Loader struct {
	getenv  func(string) string
	files   map[string]*hcl.File // as parsed
	shown   map[string]*hcl.File // copies with literal secrets masked, for snippets
	loaded  map[string]bool      // cleaned paths already read by LoadPaths
	names   map[string]hcl.Range // site name -> where it was first declared
	secrets []string             // values read for password/token and by env(), for redaction
	// readFile reads what file() names; nil: the file system (SetReadFile).
	readFile func(string) ([]byte, error)
	// match selects the sites resolved as reads says; the others are
	// loaded Quiet (reads.go). nil: every site.
	match func(site string) bool
	reads Reads
	// parsed, if set, sees every file of a load parsed, before any is
	// decoded (SetParsed).
	parsed func(files map[string]*hcl.File)
}

// NewLoader returns a Loader whose env() reads variables through getenv.
// A nil getenv is an empty environment: every env() call is reported unset.
// Tests inject a map here; the CLI passes os.Getenv.
func NewLoader(getenv func(string) string) *Loader {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &Loader{
		getenv: getenv,
		files:  map[string]*hcl.File{},
		shown:  map[string]*hcl.File{},
		loaded: map[string]bool{},
		names:  map[string]hcl.Range{},
	}
}

// LoadPaths loads files, or directories (searched recursively for *.hcl,
// sorted). It reads and checks everything before returning, so diags hold
// every problem of every file. A path given twice is read once.
//
// The sites returned are those that decoded without errors, in file order;
// callers must still refuse to probe when diags.HasErrors().
func (l *Loader) LoadPaths(paths ...string) ([]*Site, hcl.Diagnostics) {
	var sites []*Site
	var diags hcl.Diagnostics
	if len(paths) == 0 {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No spec paths",
			Detail:   "Give at least one spec file (.hcl) or a directory of them.",
		})
	}
	// Every file is parsed first, then decoded in the same order, so that
	// SetParsed's hook sees them all before the first env() is read; the
	// diagnostics keep the order of a file-by-file load.
	var steps []loadStep
	for _, p := range paths {
		files, pdiags := expandPath(p)
		steps = append(steps, loadStep{diags: pdiags})
		for _, f := range files {
			key := filepath.Clean(f)
			if l.loaded[key] {
				continue
			}
			l.loaded[key] = true
			src, err := os.ReadFile(f)
			if err != nil {
				steps = append(steps, loadStep{diags: hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Cannot read spec file",
					Detail:   fmt.Sprintf("Reading %s: %v.", f, err),
				}}})
				continue
			}
			file, pdiags := l.parse(f, src)
			steps = append(steps, loadStep{name: f, file: file, diags: pdiags})
		}
	}
	l.announce()
	for _, st := range steps {
		if st.file == nil || st.diags.HasErrors() {
			diags = append(diags, st.diags...)
			continue
		}
		s, fdiags := l.decode(st.name, st.file, st.diags)
		sites = append(sites, s...)
		diags = append(diags, fdiags...)
	}
	return sites, l.redact(diags)
}

// loadStep is one file of LoadPaths, parsed (file nil: only diags, as for
// a path that names nothing or a file that cannot be read).
type loadStep struct {
	name  string
	file  *hcl.File
	diags hcl.Diagnostics
}

// SetParsed makes every load call parsed with all the files it parsed
// (every file loaded so far, by name), before it decodes any: the
// forecast reads what each env() is for before the first one is read.
func (l *Loader) SetParsed(parsed func(files map[string]*hcl.File)) { l.parsed = parsed }

func (l *Loader) announce() {
	if l.parsed != nil {
		l.parsed(maps.Clone(l.files))
	}
}

// LoadSource loads one in-memory file, such as an embedded example. It may
// be called repeatedly; site names stay unique across all calls. Relative
// ca_file paths resolve against filepath.Dir(filename).
func (l *Loader) LoadSource(filename string, src []byte) ([]*Site, hcl.Diagnostics) {
	file, diags := l.parse(filename, src)
	l.announce()
	if diags.HasErrors() {
		return nil, l.redact(diags)
	}
	sites, diags := l.decode(filename, file, diags)
	return sites, l.redact(diags)
}

// Files returns every file loaded so far by name, for WriteDiagnostics.
// Where a spec wrote a secret as a literal, the copy returned has that
// value masked, so a rendered snippet cannot show it.
func (l *Loader) Files() map[string]*hcl.File {
	out := maps.Clone(l.files)
	maps.Copy(out, l.shown)
	return out
}

// parse parses one file. A file with syntax errors is not decoded: its
// half-parsed body would only add misleading errors.
func (l *Loader) parse(filename string, src []byte) (*hcl.File, hcl.Diagnostics) {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	l.files[filename] = file
	delete(l.shown, filename)
	return file, diags
}

// decode decodes one parsed file into its sites; diags are its parse's,
// sorted with the decoder's by position.
func (l *Loader) decode(filename string, file *hcl.File, diags hcl.Diagnostics) ([]*Site, hcl.Diagnostics) {
	d := newDecoder(l, filepath.Dir(filename))
	sites := d.file(file)
	l.secrets = append(l.secrets, d.secrets...)
	if len(d.masks) > 0 {
		l.shown[filename] = maskFile(file, d.masks)
	}
	diags = append(diags, d.diags...)
	sortByPosition(diags)
	return sites, diags
}
