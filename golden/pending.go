package golden

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
)

// PendingExt marks a would-be golden awaiting review: a run that drifts or
// meets a new site writes <name>.golden.new beside <name>.golden (as
// insta's .snap.new), and `smtpspec review` accepts or rejects it. The
// stored golden is never touched without an explicit --update or accept.
const PendingExt = Ext + ".new"

// PendingPath is the file that holds name's pending golden.
func (s Store) PendingPath(name string) string { return filepath.Join(s.Dir, name+PendingExt) }

// WritePending stores data as name's pending golden, atomically.
func (s Store) WritePending(name string, data []byte) error {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return fmt.Errorf("pending golden %s: %w", name, err)
	}
	return atomicfile.Write(s.PendingPath(name), data)
}

// ReadPending returns name's pending golden.
func (s Store) ReadPending(name string) ([]byte, error) {
	b, err := os.ReadFile(s.PendingPath(name))
	if err != nil {
		return nil, fmt.Errorf("pending golden %s: %w", name, err)
	}
	return b, nil
}

// RemovePending deletes name's pending golden; none is not an error.
// It looks first: on a read-only folder, removing a file that is not
// there fails with "read-only file system", not "not found".
func (s Store) RemovePending(name string) error {
	if _, err := os.Lstat(s.PendingPath(name)); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	err := os.Remove(s.PendingPath(name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pending golden %s: %w", name, err)
	}
	return nil
}

// Accept makes name's pending golden its golden. The rename is atomic:
// the old golden stays whole until the new one replaces it.
func (s Store) Accept(name string) error {
	if err := os.Rename(s.PendingPath(name), s.Path(name)); err != nil {
		return fmt.Errorf("accept golden %s: %w", name, err)
	}
	return nil
}

// Remove deletes name's golden and any pending one (for --prune).
func (s Store) Remove(name string) error {
	if err := os.Remove(s.Path(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("golden %s: %w", name, err)
	}
	return s.RemovePending(name)
}

// Names returns the sites that have a golden, sorted. A missing folder
// holds none.
func (s Store) Names() ([]string, error) {
	names, _, err := s.scan()
	return names, err
}

// Pending returns the sites that have a pending golden, sorted.
func (s Store) Pending() ([]string, error) {
	_, pending, err := s.scan()
	return pending, err
}

// scan lists the folder once: the names of the goldens and of the pending
// goldens, each sorted. Temporary files (".x.golden.tmp-*"), hidden files
// and folders are ignored; a missing folder holds none.
func (s Store) scan() (names, pending []string, err error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("golden folder: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		switch {
		case e.IsDir() || strings.HasPrefix(n, "."):
		case strings.HasSuffix(n, PendingExt):
			pending = append(pending, strings.TrimSuffix(n, PendingExt))
		case strings.HasSuffix(n, Ext):
			names = append(names, strings.TrimSuffix(n, Ext))
		}
	}
	sort.Strings(names)
	sort.Strings(pending)
	return names, pending, nil
}

// Orphans returns the sites with a golden or a pending golden that are not
// among known: goldens of sites that no longer exist in the specs.
func (s Store) Orphans(known []string) ([]string, error) {
	names, pending, err := s.scan()
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, n := range known {
		have[n] = true
	}
	var out []string
	for _, n := range append(names, pending...) {
		if !have[n] {
			have[n] = true // once, when it has both
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}
