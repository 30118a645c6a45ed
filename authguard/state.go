package authguard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
)

// state is the file's shape.
type state struct {
	Failures []Failure `json:"auth_failures"`
}

// load returns the state for reading; the caller must not modify it.
func (th *Guard) load() (*state, error) {
	f, err := os.Open(th.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &state{}, nil
	case err != nil:
		return nil, fmt.Errorf("AUTH failure state: %w", err)
	}
	defer f.Close()
	// The open file's identity, not the path's: the version read below.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("AUTH failure state: %w", err)
	}
	th.cacheMu.Lock()
	defer th.cacheMu.Unlock()
	if th.cached != nil && sameVersion(th.info, fi) {
		return th.cached, nil
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("AUTH failure state: %w", err)
	}
	st := &state{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("AUTH failure state %s is damaged (delete it to start afresh): %w", th.Path, err)
	}
	th.cached, th.info = st, fi
	return st, nil
}

// sameVersion reports whether a and b describe the same version of the
// state file: the same inode (every write replaces it), size and time.
func sameVersion(a, b fs.FileInfo) bool {
	return a != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

func (th *Guard) save(st *state) error {
	sort.Slice(st.Failures, func(i, j int) bool { return st.Failures[i].At.Before(st.Failures[j].At) })
	// One entry per line: as readable as an indented file, and each save
	// encodes its entries once instead of encoding and then re-indenting
	// the whole state (a run with hundreds of failing mailboxes saves
	// after each one).
	var b bytes.Buffer
	b.WriteString(`{"auth_failures": [`)
	for i, f := range st.Failures {
		line, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("AUTH failure state: %w", err)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  ")
		b.Write(line)
	}
	b.WriteString("\n]}")
	if err := os.MkdirAll(filepath.Dir(th.Path), 0o700); err != nil {
		return fmt.Errorf("AUTH failure state: %w", err)
	}
	if err := atomicfile.Write(th.Path, append(b.Bytes(), '\n')); err != nil {
		return fmt.Errorf("AUTH failure state: %w", err)
	}
	// Under the file lock no other process replaces the file, so what was
	// just written is the version the path now names.
	if fi, err := os.Stat(th.Path); err == nil {
		th.cacheMu.Lock()
		th.cached, th.info = st, fi
		th.cacheMu.Unlock()
	}
	return nil
}
