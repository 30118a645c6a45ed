package golden

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
	return WriteFileAtomic(s.PendingPath(name), data)
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
func (s Store) RemovePending(name string) error {
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
func (s Store) Names() ([]string, error) { return s.list(Ext) }

// Pending returns the sites that have a pending golden, sorted.
func (s Store) Pending() ([]string, error) { return s.list(PendingExt) }

// list returns the names of files in the folder ending in ext (and not a
// longer known extension), sorted. Temporary files (".x.golden.tmp-*")
// and hidden files are ignored.
func (s Store) list(ext string) ([]string, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("golden folder: %w", err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ext) {
			continue
		}
		names = append(names, strings.TrimSuffix(n, ext))
	}
	sort.Strings(names)
	return names, nil
}

// Orphans returns the sites with a golden or a pending golden that are not
// among known: goldens of sites that no longer exist in the specs.
func (s Store) Orphans(known []string) ([]string, error) {
	have := map[string]bool{}
	for _, n := range known {
		have[n] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, list := range []func() ([]string, error){s.Names, s.Pending} {
		names, err := list()
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !have[n] && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
