package forecast

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// writeSpec writes a spec file under dir.
func writeSpec(t *testing.T, dir, name, src string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// forecastDir forecasts the specs under dir with opts (Roots: dir).
func forecastDir(t *testing.T, dir string, opts Options) *Forecast {
	t.Helper()
	opts.Roots = []string{dir}
	f, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	sites, diags, _ := f.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	fc, err := f.Run(context.Background(), sites)
	if err != nil {
		t.Fatal(err)
	}
	return fc
}
