package specs

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
)

// Known secret values: tests assert they never appear in any output.
const (
	testPassword = "Tr0ub4dor&3-do-not-print"
	testToken    = "eyJ0eXAiOiJKV1QifQ.fake-token-do-not-print"
)

// testEnv is the injected environment; tests never read the process's.
func testEnv() func(string) string {
	env := map[string]string{
		"SCANNER_PASSWORD": testPassword,
		"SCANNER_TOKEN":    testToken,
		"SCANNER_USER":     "scanner@contoso.com",
		"EMPTY_SENDER":     "",
	}
	return func(k string) string { return env[k] }
}

// siteOpts compares Sites by content: regexps by source, secrets by
// variable and value, hcl ranges not at all.
var siteOpts = cmp.Options{
	cmpopts.IgnoreFields(Site{}, "DeclRange", "Env"), // Env: reads_test.go
	cmp.Comparer(func(a, b *regexp.Regexp) bool {
		if a == nil || b == nil {
			return a == b
		}
		return a.String() == b.String()
	}),
	cmp.Comparer(func(a, b Secret) bool { return a.Env == b.Env && a.Reveal() == b.Reveal() }),
}

// render is what a technician sees: no colour, wrapped at 78 columns.
func render(t *testing.T, l *Loader, diags hcl.Diagnostics) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteDiagnostics(&buf, l.Files(), diags, 78, false); err != nil {
		t.Fatalf("WriteDiagnostics: %v", err)
	}
	return buf.String()
}
