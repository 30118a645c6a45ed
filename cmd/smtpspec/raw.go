package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/smtpspec/smtpspec/internal/atomicfile"
	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/runner"
)

// prepareRaw creates the --raw folder before anything is probed, so a
// path that cannot hold the files fails the run before any AUTH attempt
// instead of after every probe.
func prepareRaw(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--raw %s: %w", dir, err)
	}
	probe, err := os.CreateTemp(dir, ".smtpspec-raw-check-*")
	if err != nil {
		return fmt.Errorf("--raw %s: cannot write there: %w", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// writeRaw saves each site's unnormalised transcript (report.Raw) as
// dir/<site>.raw.txt, and its control probe's as
// dir/<site>.control.raw.txt, each written atomically: a file there is
// always a whole transcript. Every site is attempted; the errors are
// joined.
func writeRaw(dir string, results []*runner.Result, meta report.Run) error {
	if dir == "" {
		return nil
	}
	var errs []error
	for _, r := range results {
		for _, x := range []*runner.Result{r, r.Control} {
			if x == nil {
				continue
			}
			var b bytes.Buffer
			if err := (report.Raw{Run: meta}).Write(&b, x); err != nil {
				errs = append(errs, err)
				continue
			}
			p := filepath.Join(dir, x.Site.Name+".raw.txt")
			if err := atomicfile.Write(p, b.Bytes()); err != nil {
				errs = append(errs, fmt.Errorf("--raw: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}
