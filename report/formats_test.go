package report

import (
	"bytes"
	"slices"
	"testing"
)

// Every format in the table writes a report of the sample run; a name
// outside the table is an error, never another format's report.
func TestFormats(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Formats {
		if seen[f.Name] {
			t.Errorf("format %q listed twice", f.Name)
		}
		seen[f.Name] = true
		w, err := FormatNamed(f.Name, Options{Run: Run{Started: runAt}})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := w.Write(&b, sampleResults()); err != nil || b.Len() == 0 {
			t.Errorf("%s: %d bytes, error %v", f.Name, b.Len(), err)
		}
	}
	if FormatNames()[0] != "human" || !slices.Contains(FormatNames(), "junit") {
		t.Errorf("FormatNames() = %v", FormatNames())
	}
	if _, err := FormatNamed("xml", Options{}); err == nil {
		t.Error(`FormatNamed("xml") gave a writer`)
	}
}
