package golden

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
)

// Ext is the golden file extension, as goldie uses it.
const Ext = ".golden"

// Store is a folder of golden files, one per site: <Dir>/<name>.golden.
type Store struct {
	Dir string
}

// Path is the file that holds name's golden.
func (s Store) Path(name string) string { return filepath.Join(s.Dir, name+Ext) }

// Read returns the stored golden of name; an error wrapping fs.ErrNotExist
// means the site has no golden yet.
func (s Store) Read(name string) ([]byte, error) {
	b, err := os.ReadFile(s.Path(name))
	if err != nil {
		return nil, fmt.Errorf("golden %s: %w", name, err)
	}
	return b, nil
}

// Exists reports whether name has a golden.
func (s Store) Exists(name string) bool {
	_, err := os.Stat(s.Path(name))
	return !errors.Is(err, fs.ErrNotExist)
}

// Write stores data as name's golden atomically: it writes a temporary
// file in the same folder, syncs it and renames it over the old one, so a
// crash, a full disk or a concurrent run leaves either the old or the new
// golden, never a torn one.
func (s Store) Write(name string, data []byte) error {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return fmt.Errorf("golden %s: %w", name, err)
	}
	if err := atomicfile.Write(s.Path(name), data); err != nil {
		// Say what a person needs to know first: nothing was lost.
		return fmt.Errorf("golden %s not updated (the stored golden is unchanged): %w", name, err)
	}
	return nil
}
