package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/specs"
)

// examplesDir holds one example spec per scenario; the demo maps the site
// name to the scenario of the same name.
const examplesDir = "../specs/examples"

// demoSecret and demoKey are the only environment variables the examples
// may read; the demo sets both (demoKey: the key of the client certificate
// it issues at run time for file("relay-certificate.pem"), which, like the
// key, is not in the repository).
const (
	demoSecret = "SMTPSPEC_DEMO_PASSWORD"
	demoKey    = "SMTPSPEC_DEMO_CLIENT_KEY"
	demoCert   = "relay-certificate.pem"
)

// TestExamplesMatchScenarios loads specs/examples with the real loader and
// checks that there is exactly one site per scenario, named after it, with
// the scenario's method, reading no secret but the demo password.
func TestExamplesMatchScenarios(t *testing.T) {
	var asked []string
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, key, err := ca.IssueClient("relay.contoso.com", time.Now().Add(90*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(name string) string {
		asked = append(asked, name)
		switch name {
		case demoSecret:
			return "demo-password"
		case demoKey:
			return string(key)
		}
		return ""
	}
	l := specs.NewLoader(getenv)
	l.SetReadFile(func(p string) ([]byte, error) {
		if filepath.Base(p) == demoCert {
			return cert, nil // what the demo issues in its place
		}
		return os.ReadFile(p)
	})
	sites, diags := l.LoadPaths(examplesDir)
	if diags.HasErrors() || len(diags) > 0 {
		var b strings.Builder
		specs.WriteDiagnostics(&b, l.Files(), diags, 0, false)
		t.Fatalf("examples do not load cleanly:\n%s", b.String())
	}
	for _, name := range asked {
		if name != demoSecret && name != demoKey {
			t.Errorf("an example reads env(%q); only %s and %s are set by the demo", name, demoSecret, demoKey)
		}
	}
	bySite := map[string]*specs.Site{}
	for _, s := range sites {
		bySite[s.Name] = s
	}
	for _, sc := range Scenarios() {
		s, ok := bySite[sc.Name]
		if !ok {
			t.Errorf("scenario %s has no site in %s", sc.Name, examplesDir)
			continue
		}
		if s.Method != sc.Method {
			t.Errorf("site %s: method %s, scenario models %s", s.Name, s.Method, sc.Method)
		}
		if len(s.Expect) == 0 {
			t.Errorf("site %s states no expectation", s.Name)
		}
		if file := filepath.Base(s.DeclRange.Filename); file != sc.Name+".hcl" {
			t.Errorf("site %s is declared in %s, want %s.hcl", s.Name, file, sc.Name)
		}
		delete(bySite, sc.Name)
	}
	for name := range bySite {
		t.Errorf("site %s in %s has no scenario of that name", name, examplesDir)
	}
	files, _ := filepath.Glob(filepath.Join(examplesDir, "*.hcl"))
	if len(files) != len(Scenarios()) {
		t.Errorf("%d example files for %d scenarios", len(files), len(Scenarios()))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "# ") {
			t.Errorf("%s should open with a comment saying what the site documents", f)
		}
	}
}
