package specs

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchSpec is one site as a fleet repository holds it: submission with a
// secret by reference, a client block and two expectations.
const benchSpec = `site "site-%04d" {
  method = "submission"
  endpoint {
    host = "smtp.office365.com"
  }
  client {
    helo    = "mfp-%04d.contoso.local"
    tls_min = "1.2"
  }
  auth {
    mechanism = "LOGIN"
    username  = "scanner-%04d@contoso.com"
    password  = env("SCANNER_PASSWORD")
  }
  envelope {
    from = "scanner-%04d@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
  expect "tls" {
    version_min   = "1.2"
    cert_days_min = 14
  }
  expect "rcpt" {
    code = 250
  }
}
`

func benchGetenv(string) string { return "bench-password" }

// BenchmarkLoadOne decodes and validates one site spec from memory.
func BenchmarkLoadOne(b *testing.B) {
	src := []byte(fmt.Sprintf(benchSpec, 1, 1, 1, 1))
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := NewLoader(benchGetenv).LoadSource("site.hcl", src); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkLoad1000 loads and validates a folder of 1,000 spec files, as
// `smtpspec validate` and `smtpspec run` do for a fleet.
func BenchmarkLoad1000(b *testing.B) {
	dir := b.TempDir()
	for i := range 1000 {
		name := filepath.Join(dir, fmt.Sprintf("site-%04d.hcl", i))
		if err := os.WriteFile(name, []byte(fmt.Sprintf(benchSpec, i, i, i, i)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		sites, diags := NewLoader(benchGetenv).LoadPaths(dir)
		if diags.HasErrors() || len(sites) != 1000 {
			b.Fatalf("%d sites, %v", len(sites), diags)
		}
	}
}
