package specs

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"
)

// TestInvalid loads each testdata/invalid/<case>.hcl and compares the
// rendered diagnostics with <case>.golden (regenerate with -update, then
// read every golden: it is what a technician will see).
func TestInvalid(t *testing.T) {
	paths, err := filepath.Glob("testdata/invalid/*.hcl")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no invalid cases: %v", err)
	}
	g := goldie.New(t, goldie.WithFixtureDir("testdata/invalid"), goldie.WithNameSuffix(".golden"))
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".hcl")
		t.Run(name, func(t *testing.T) {
			l := NewLoader(testEnv())
			_, diags := l.LoadPaths(filepath.ToSlash(p))
			if len(diags) == 0 {
				t.Fatal("no diagnostics for an invalid spec")
			}
			for _, d := range diags {
				if d.Subject == nil {
					t.Errorf("diagnostic without a source range: %s", d.Summary)
				}
			}
			g.Assert(t, name, []byte(render(t, l, diags)))
		})
	}
}

// TestInvalidSitesDropped: a site with an error is not returned; the
// sound sites of the same file are.
func TestInvalidSitesDropped(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"duplicate_site.hcl", []string{"hq-mfp"}},
		{"host_and_mx.hcl", nil},
		{"tls_order.hcl", nil},
		{"unused_secret.hcl", []string{"hq"}},
		{"no_sites.hcl", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sites, _ := NewLoader(testEnv()).LoadPaths("testdata/invalid/" + tt.file)
			var got []string
			for _, s := range sites {
				got = append(got, s.Name)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("sites = %q, want %q", got, tt.want)
			}
		})
	}
}
