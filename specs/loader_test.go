package specs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// minimal is a valid site; %s is its name.
const minimal = `site %q {
  method = "direct_send"
  endpoint { mx_domain = "contoso.com" }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
`

func writeSpec(t *testing.T, path, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(minimal, "%q", `"`+name+`"`, 1)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func siteNames(sites []*Site) string {
	var n []string
	for _, s := range sites {
		n = append(n, s.Name)
	}
	return strings.Join(n, ",")
}

func summaries(diags hcl.Diagnostics) string {
	var s []string
	for _, d := range diags {
		s = append(s, d.Summary)
	}
	return strings.Join(s, "; ")
}

// TestLoadPaths covers how command-line paths become files.
func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, filepath.Join(dir, "specs", "b.hcl"), "b")
	writeSpec(t, filepath.Join(dir, "specs", "a", "c.hcl"), "c")
	writeSpec(t, filepath.Join(dir, "specs", ".hidden", "d.hcl"), "d")
	if err := os.WriteFile(filepath.Join(dir, "specs", "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	specs := filepath.Join(dir, "specs")

	tests := []struct {
		name      string
		paths     []string
		wantSites string
		wantDiags string
	}{
		{"directory, recursive and sorted, hidden skipped", []string{specs}, "c,b", ""},
		{"a file", []string{filepath.Join(specs, "b.hcl")}, "b", ""},
		{"same file twice is read once", []string{specs, filepath.Join(specs, "b.hcl")}, "c,b", ""},
		{"missing path", []string{filepath.Join(dir, "nope")}, "", "Spec path not found"},
		{"directory without specs", []string{filepath.Join(dir, "empty")}, "", "No spec files"},
		{"no paths", nil, "", "No spec paths"},
		{"every path is tried", []string{filepath.Join(dir, "nope"), specs}, "c,b", "Spec path not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sites, diags := NewLoader(testEnv()).LoadPaths(tt.paths...)
			if got := siteNames(sites); got != tt.wantSites {
				t.Errorf("sites = %q, want %q", got, tt.wantSites)
			}
			if got := summaries(diags); got != tt.wantDiags {
				t.Errorf("diagnostics = %q, want %q", got, tt.wantDiags)
			}
		})
	}
}

// TestAllFilesReported: one call reports the problems of every file, not
// just the first file's.
func TestAllFilesReported(t *testing.T) {
	paths, _ := filepath.Glob("testdata/invalid/*.hcl")
	_, diags := NewLoader(testEnv()).LoadPaths("testdata/invalid")
	seen := map[string]bool{}
	for _, d := range diags {
		if d.Subject != nil {
			seen[d.Subject.Filename] = true
		}
	}
	for _, p := range paths {
		if !seen[filepath.ToSlash(p)] {
			t.Errorf("no diagnostic for %s", p)
		}
	}
}

// TestDuplicateAcrossCalls: names are unique across LoadSource and
// LoadPaths calls of one Loader, and the error says where the first is.
func TestDuplicateAcrossCalls(t *testing.T) {
	src := func(name string) []byte { return []byte(strings.Replace(minimal, "%q", `"`+name+`"`, 1)) }
	l := NewLoader(testEnv())
	if sites, diags := l.LoadSource("examples/first.hcl", src("hq")); len(diags) > 0 || len(sites) != 1 {
		t.Fatalf("first: %d sites, %v", len(sites), diags)
	}
	sites, diags := l.LoadSource("examples/second.hcl", src("hq"))
	if len(sites) != 0 || len(diags) != 1 {
		t.Fatalf("second: %d sites, %v", len(sites), diags)
	}
	d := diags[0]
	if d.Summary != "Duplicate site name" || !strings.Contains(d.Detail, "examples/first.hcl:1,6") ||
		d.Subject.Filename != "examples/second.hcl" {
		t.Errorf("diagnostic = %s: %s at %v", d.Summary, d.Detail, d.Subject)
	}

	dir := t.TempDir()
	writeSpec(t, filepath.Join(dir, "hq.hcl"), "hq")
	if _, diags := l.LoadPaths(dir); summaries(diags) != "Duplicate site name" {
		t.Errorf("LoadPaths after LoadSource: %q", summaries(diags))
	}
	if _, ok := l.Files()["examples/second.hcl"]; !ok {
		t.Error("Files() lacks a file loaded by LoadSource")
	}
}

// TestNilGetenv: without an environment every env() is unset, never "".
func TestNilGetenv(t *testing.T) {
	src := []byte(`site "hq" {
  method = "direct_send"
  endpoint { mx_domain = "contoso.com" }
  envelope {
    from = env("SENDER")
    to   = ["frontdesk@contoso.com"]
  }
}
`)
	_, diags := NewLoader(nil).LoadSource("hq.hcl", src)
	if summaries(diags) != "Environment variable SENDER is not set" {
		t.Errorf("diagnostics = %q", summaries(diags))
	}
	if r := diags[0].Subject; r == nil || r.Start.Line != 5 || r.Start.Column != 12 || r.End.Column != 25 {
		t.Errorf("subject = %v, want the env(...) call on line 5", r)
	}
}
