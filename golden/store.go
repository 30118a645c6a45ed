package golden

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	if err := WriteFileAtomic(s.Path(name), data); err != nil {
		// Say what a person needs to know first: nothing was lost.
		return fmt.Errorf("golden %s not updated (the stored golden is unchanged): %w", name, err)
	}
	return nil
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder and a rename. On any error the temporary file is removed and the
// old content of path is untouched.
func WriteFileAtomic(path string, data []byte) error {
	return WriteFileAtomicMode(path, data, 0o644)
}

// WriteFileAtomicMode is WriteFileAtomic with the file's permissions.
// The temporary file is created 0600 (os.CreateTemp) and gets perm only
// after its data is written, so a private file (0600: a key) is never
// readable by others, not even for a moment.
//
// Errors name path and the cause ("write golden/x.golden: no space left
// on device"), not the temporary file, whose random name says nothing.
func WriteFileAtomicMode(path string, data []byte, perm os.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return writeError(path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return writeError(path, err)
	}
	if err = f.Sync(); err != nil {
		return writeError(path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return writeError(path, err)
	}
	if err = f.Close(); err != nil {
		return writeError(path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return writeError(path, err)
	}
	syncDir(dir)
	return nil
}

// writeError is "write PATH: CAUSE", without the *PathError's own copy of
// the temporary file's name; errors.Is still sees the cause (ENOSPC).
func writeError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return fmt.Errorf("write %s: %w", path, err)
}

// syncDir makes the rename durable: without it a crash right after the
// rename can bring back the old name's content on some filesystems. It
// is best effort (some systems cannot sync a folder); the data is
// already in place either way.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
