package specs

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretNeverShown loads specs whose env() variables hold known
// values and asserts the values appear in no rendered diagnostic and in
// no formatting of the sites.
func TestSecretNeverShown(t *testing.T) {
	secrets := []string{testPassword, testToken, "Winter2024!", "abc.def.ghi", "ABC.DEF.GHI"}
	check := func(t *testing.T, what, s string) {
		t.Helper()
		for _, sec := range secrets {
			if strings.Contains(s, sec) {
				t.Errorf("%s shows the secret %q:\n%s", what, sec, s)
			}
		}
	}

	t.Run("sites", func(t *testing.T) {
		sites, diags := NewLoader(testEnv()).LoadPaths("testdata/valid")
		if diags.HasErrors() || len(sites) == 0 {
			t.Fatalf("load: %d sites, %v", len(sites), diags)
		}
		for _, s := range sites {
			check(t, "site "+s.Name, fmt.Sprintf("%v %+v %#v", s, *s, s))
			if s.Auth != nil {
				a := *s.Auth
				check(t, "auth of "+s.Name, fmt.Sprintf("%v %+v %#v %s %s", a, a, a, a.Password, a.Token))
			}
		}
	})

	t.Run("diagnostics", func(t *testing.T) {
		paths, _ := filepath.Glob("testdata/*/*.hcl")
		for _, p := range paths {
			l := NewLoader(testEnv())
			_, diags := l.LoadPaths(p)
			check(t, p, render(t, l, diags))
			for _, d := range diags {
				check(t, p, d.Summary+d.Detail)
			}
		}
	})

	// A secret's variable also feeding an attribute whose message quotes
	// its value: redaction catches it.
	t.Run("reused variable", func(t *testing.T) {
		src := []byte(`site "reuse" {
  method = env("SCANNER_PASSWORD")
  endpoint { host = "smtp.office365.com" }
  auth {
    username = "scanner@contoso.com"
    password = env("SCANNER_PASSWORD")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
`)
		l := NewLoader(testEnv())
		_, diags := l.LoadSource("reuse.hcl", src)
		out := render(t, l, diags)
		if !diags.HasErrors() || !strings.Contains(out, "<redacted>") {
			t.Fatalf("want an invalid-method error with the value redacted, got:\n%s", out)
		}
		check(t, "reuse.hcl", out)
	})
}
