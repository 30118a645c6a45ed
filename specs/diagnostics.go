package specs

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/hashicorp/hcl/v2"
)

// WriteDiagnostics renders diags for a person: summary, file, line and
// column, the source snippet with the problem highlighted, then the detail
// wrapped at width (0: no wrapping). files is Loader.Files(). color adds
// VT100 codes.
//
// hcl's text writer names the file and line ("on x.hcl line 4, in ...")
// and marks the column only by underlining it on a terminal; in a CI log
// the column would be lost, so each diagnostic's header gets it in words.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, width uint, color bool) error {
	for _, d := range diags {
		var b bytes.Buffer
		if err := hcl.NewDiagnosticTextWriter(&b, files, width, color).WriteDiagnostic(d); err != nil {
			return fmt.Errorf("write diagnostics: %w", err)
		}
		out := b.Bytes()
		if d.Subject != nil {
			on := fmt.Sprintf("on %s line %d", d.Subject.Filename, d.Subject.Start.Line)
			out = bytes.Replace(out, []byte(on), []byte(fmt.Sprintf("%s, column %d", on, d.Subject.Start.Column)), 1)
		}
		if _, err := w.Write(out); err != nil {
			return fmt.Errorf("write diagnostics: %w", err)
		}
	}
	return nil
}

// errorAt appends an error diagnostic about subject.
func (d *decoder) errorAt(subject hcl.Range, summary, format string, args ...any) {
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject.Ptr(),
	})
}

// warningAt appends a warning diagnostic about subject.
func (d *decoder) warningAt(subject hcl.Range, summary, format string, args ...any) {
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject.Ptr(),
	})
}

// errorCount counts the errors in diags (warnings do not reject a site).
func errorCount(diags hcl.Diagnostics) int {
	n := 0
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			n++
		}
	}
	return n
}

// at formats a position as file:line,column for "first declared at".
func at(r hcl.Range) string {
	return fmt.Sprintf("%s:%d,%d", r.Filename, r.Start.Line, r.Start.Column)
}

// sortByPosition orders the diagnostics of one file by where they point,
// so a technician reads them top to bottom; equal positions keep their
// order. Diagnostics without a Subject go first.
func sortByPosition(diags hcl.Diagnostics) {
	slices.SortStableFunc(diags, func(x, y *hcl.Diagnostic) int {
		return cmp.Compare(startByte(x), startByte(y))
	})
}

func startByte(d *hcl.Diagnostic) int {
	if d.Subject == nil {
		return -1
	}
	return d.Subject.Start.Byte
}
