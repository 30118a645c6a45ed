package runner

import (
	"fmt"
	"path/filepath"
)

// settlePending keeps the site's pending golden (<name>.golden.new) in
// step with this run. With Update the golden itself was written, so a
// pending one is stale. Otherwise, when the run's golden differs from the
// stored one or none is stored, it is written as pending for review
// (opts.Pending), whatever the status: the reviewer decides. A run that
// matches its golden removes a stale pending file. stored is judge's: a
// golden was there to compare with.
//
// A golden folder that cannot be written (read-only, full) changes
// nothing about what the run measured: the status stands and the result
// gets a warning saying what was not written and what to do.
func settlePending(r *Result, opts Options, stored bool) {
	if r.Err != nil || r.Golden == nil || opts.ReadOnly {
		return // nothing rendered, judge already reported the golden's failure, or hands off the folder
	}
	store, name := opts.Golden, r.Site.Name
	switch {
	case opts.Update && !r.Updated:
		// judge could not write the golden and warned: the folder would
		// refuse the pending file too.
	case r.Updated, stored && r.Drift == nil:
		if err := store.RemovePending(name); err != nil {
			r.Warnings = append(r.Warnings, fmt.Sprintf("a stale pending golden could not be removed (%v); "+
				"this run matched the golden, so it is out of date: delete %s", err, store.PendingPath(name)))
		}
	case opts.Pending:
		if err := store.WritePending(name, r.Golden); err != nil {
			r.Warnings = append(r.Warnings, pendingWarning(store.Dir, err))
			return
		}
		r.Pending = store.PendingPath(name)
	}
}

// pendingWarning says that this run's golden could not be kept for
// review, that nothing else changed, and how to get it.
func pendingWarning(dir string, err error) string {
	return fmt.Sprintf("this run's golden was not saved for review (%v); the stored golden is unchanged. "+
		"Make the folder %s writable, or free space on it, and run again to review the change",
		err, filepath.Clean(dir)+string(filepath.Separator))
}
