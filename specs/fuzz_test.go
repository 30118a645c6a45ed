package specs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// FuzzLoadSource feeds arbitrary bytes to the spec loader: it must not
// panic or hang, every site it returns without errors must be complete,
// and no diagnostic may show a secret's value that the source itself
// does not hold (the environment gives every env() the same secret), and
// loaded with Need (validate) no site holds a secret value.
// Seeds: every spec in testdata/valid, testdata/invalid and examples.
func FuzzLoadSource(f *testing.F) {
	var seeds []string
	for _, glob := range []string{"testdata/valid/*.hcl", "testdata/invalid/*.hcl", "examples/*.hcl"} {
		files, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, files...)
	}
	if len(seeds) == 0 {
		f.Fatal("no seed specs")
	}
	for _, name := range seeds {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	getenv := func(string) string { return testPassword }
	f.Fuzz(func(t *testing.T, src []byte) {
		wd := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("loading took over 10s: %q", src)) })
		defer wd.Stop()
		l := NewLoader(getenv)
		// In testdata/valid, so that a relative ca_file of a seed resolves.
		sites, diags := l.LoadSource("testdata/valid/fuzz.hcl", src)
		var out bytes.Buffer
		WriteDiagnostics(&out, l.Files(), diags, 100, false)
		if !bytes.Contains(src, []byte(testPassword)) && strings.Contains(out.String(), testPassword) {
			t.Fatalf("diagnostics show the secret:\n%s", out.String())
		}
		// validate's mode reads no secret, whatever the source says.
		need := NewLoader(getenv)
		need.SetReads(Need)
		needSites, _ := need.LoadSource("testdata/valid/fuzz.hcl", src)
		for _, s := range needSites {
			if len(s.Secrets()) > 0 {
				t.Fatalf("site %q loaded with Need holds a secret value", s.Name)
			}
		}
		if diags.HasErrors() {
			return
		}
		for _, s := range sites {
			if s.Name == "" || s.Endpoint.Port < 1 || s.Endpoint.Port > 65535 || len(s.Envelope.To) == 0 {
				t.Errorf("incomplete site without an error: %+v", s)
			}
			if s.Endpoint.Host == "" && s.Endpoint.MXDomain == "" {
				t.Errorf("site %q has no host and no mx_domain", s.Name)
			}
			if len(transcript.Sequence(s.Plan())) == 0 {
				t.Errorf("site %q plans no stage", s.Name)
			}
		}
	})
}
