package specs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// TestSetParsedBeforeDecode: the hook sees every file of a load before
// the first env() of any is read (the forecast's stand-ins depend on it).
func TestSetParsedBeforeDecode(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.hcl", "b.hcl"} {
		src := `site "` + name[:1] + `" {
  method = "relay"
  endpoint { host = env("HOST_` + name[:1] + `") }
  envelope {
    from = "scanner@contoso.com"
    to   = ["alice@contoso.com"]
  }
}
`
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var seen int
	reads := 0
	l := NewLoader(func(string) string { reads++; return "relay.contoso.com" })
	l.SetParsed(func(files map[string]*hcl.File) {
		if reads != 0 {
			t.Errorf("hook called after %d env() reads", reads)
		}
		seen = len(files)
	})
	sites, diags := l.LoadPaths(dir)
	if diags.HasErrors() || len(sites) != 2 {
		t.Fatalf("%d sites, %v", len(sites), diags)
	}
	if seen != 2 || reads == 0 {
		t.Errorf("hook saw %d files, env() read %d times; want 2 and some", seen, reads)
	}
}
