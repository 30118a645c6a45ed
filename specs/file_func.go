package specs

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// maxFileSize bounds what file() reads: a certificate chain is a few KB,
// and a mistyped path to a disk image must not exhaust memory.
const maxFileSize = 1 << 20

// fileFunc reads a file, relative to the spec's directory unless the
// path is absolute, as a string. It is for public material such as a
// client certificate; secrets are named with env(), never read from files
// the spec names (a spec's paths are committed to git, so are its files
// often). A file that cannot be read gives an unknown value, not an
// error: the file may be where the site runs and not here, and only the
// sites a command uses must have it (reads.go); the decoder reports it
// after the evaluation (values.go). Its errors name the path, never the
// content.
func (d *decoder) fileFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the content of a file, relative to the spec's directory.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			if !filepath.IsAbs(p) {
				p = filepath.Join(d.dir, p)
			}
			b, err := d.readFile(p)
			if err != nil {
				d.unreadable = append(d.unreadable, err)
				return cty.UnknownVal(cty.String), nil
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

// readLimited reads p, refusing anything over maxFileSize.
func readLimited(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s (a relative path is found from the spec file's directory): %w", p, unwrapPath(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, unwrapPath(err))
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("%s is larger than %d bytes; file() is for certificates and similar small files", p, maxFileSize)
	}
	return b, nil
}

// unwrapPath drops the *PathError's own copy of the path.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// SetReadFile makes file() read through read instead of the file system:
// the demo reads the embedded examples' certificates this way. Paths are
// joined with the spec's directory as usual.
func (l *Loader) SetReadFile(read func(string) ([]byte, error)) { l.readFile = read }
