package golden

import (
	"errors"
	"io/fs"
)

// Change is one pending golden as review shows it.
type Change struct {
	Name string
	Old  []byte // the stored golden; nil when the site has none yet
	New  []byte // the pending golden
	// Drift is Old against New; for a new site it is the whole file as
	// additions.
	Drift *Drift
}

// IsNew says the site had no golden before.
func (c Change) IsNew() bool { return c.Old == nil }

// Changes returns every pending golden of the store with its diff, in
// name order. A pending golden equal to the stored one still appears
// (accepting it only removes the pending file).
func (s Store) Changes() ([]Change, error) {
	names, err := s.Pending()
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, n := range names {
		c, err := s.Change(n)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Change reads name's pending golden and compares it with the stored one.
func (s Store) Change(name string) (Change, error) {
	c := Change{Name: name}
	var err error
	if c.New, err = s.ReadPending(name); err != nil {
		return c, err
	}
	c.Old, err = s.Read(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return c, err
	}
	c.Drift = Compare(c.Old, c.New)
	if c.Drift == nil {
		c.Drift = &Drift{}
	}
	return c, nil
}
