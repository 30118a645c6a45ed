// Package atomicfile writes a file so that a reader sees the old content
// or the new, never a torn one: a temporary file in the same folder,
// synced, given its permissions, then renamed over the old, and the
// folder synced. A crash, a full disk or a concurrent run leaves either
// version; an error says which file was not written and why, and that
// nothing was lost. Goldens, reports, raw transcripts, specs written by
// init, fmt and capture, forecasts, keys and certificates all go through
// it. It does not lock: two writers of one file each write a whole one.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path through a temporary file in the same folder
// and a rename. On any error the temporary file is removed and the old
// content of path is untouched.
func Write(path string, data []byte) error {
	return WriteMode(path, data, 0o644)
}

// WriteMode is Write with the file's permissions.
// The temporary file is created 0600 (os.CreateTemp) and gets perm only
// after its data is written, so a private file (0600: a key) is never
// readable by others, not even for a moment.
//
// Errors name path and the cause ("write golden/x.golden: no space left
// on device"), not the temporary file, whose random name says nothing.
func WriteMode(path string, data []byte, perm os.FileMode) (err error) {
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
