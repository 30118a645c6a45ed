package runner

// settlePending keeps the site's pending golden (<name>.golden.new) in
// step with this run. With Update the golden itself was written, so a
// pending one is stale. Otherwise, when the run's golden differs from the
// stored one or none is stored, it is written as pending for review
// (opts.Pending), whatever the status: the reviewer decides. A run that
// matches its golden removes a stale pending file. stored is judge's: a
// golden was there to compare with.
func settlePending(r *Result, opts Options, stored bool) {
	if r.Err != nil || r.Golden == nil || opts.ReadOnly {
		return // nothing rendered, judge already reported the golden's failure, or hands off the folder
	}
	store, name := opts.Golden, r.Site.Name
	switch {
	case r.Updated, stored && r.Drift == nil:
		keepErr(r, store.RemovePending(name))
	case opts.Pending:
		if err := store.WritePending(name, r.Golden); err != nil {
			keepErr(r, err)
			return
		}
		r.Pending = store.PendingPath(name)
	}
}

// keepErr records a pending-file failure on the result: the run's status
// stands (the golden comparison is what it judged), but the report shows
// the error and the run cannot pass unnoticed.
func keepErr(r *Result, err error) {
	if err == nil {
		return
	}
	r.Err = err
	r.Status = StatusError
}
