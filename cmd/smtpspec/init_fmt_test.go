package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/transcript"
)

// TestInit: each method's starting spec is written, formatted, and valid
// once its secret is set; init refuses to overwrite without --force.
func TestInit(t *testing.T) {
	dir := t.TempDir()
	for _, m := range transcript.Names(transcript.Methods) {
		t.Run(m, func(t *testing.T) {
			path := filepath.Join(dir, m+".hcl")
			code, out, errs := runCLI(t, testGetenv(nil), "init", "--method", m, "--site", "hq-"+m, "--domain", "fabrikam.com", "--out", path)
			if code != exitOK || !strings.Contains(out, "wrote "+path) {
				t.Fatalf("init: exit %d\n%s%s", code, out, errs)
			}
			src := mustRead(t, path)
			for _, want := range []string{`site "hq-` + m + `"`, `method = "` + m + `"`, "fabrikam.com", "# "} {
				if !strings.Contains(src, want) {
					t.Errorf("spec lacks %q:\n%s", want, src)
				}
			}
			if m == "submission" && !strings.Contains(src, `env("HQ_SUBMISSION_SMTP_PASSWORD")`) {
				t.Errorf("submission spec must read its password with env():\n%s", src)
			}
			env := testGetenv(map[string]string{"HQ_SUBMISSION_SMTP_PASSWORD": "x"})
			if code, _, errs := runCLI(t, env, "validate", path); code != exitOK {
				t.Errorf("the starting spec does not validate:\n%s", errs)
			}
			if code, out, _ := runCLI(t, env, "fmt", "--check", path); code != exitOK {
				t.Errorf("the starting spec is not in canonical form: %s", out)
			}
			if code, _, errs := runCLI(t, env, "init", "--method", m, "--site", "hq-"+m, "--out", path); code != exitUsage || !strings.Contains(errs, "--force") {
				t.Errorf("overwrite without --force: exit %d %q", code, errs)
			}
		})
	}
	for _, args := range [][]string{{"--method", "smtp", "--site", "x"}, {"--method", "relay", "--site", "bad name"}, {"--method", "relay"}} {
		if code, _, _ := runCLI(t, testGetenv(nil), append([]string{"init"}, args...)...); code != exitUsage {
			t.Errorf("init %v: exit %d, want 2", args, code)
		}
	}
}

// TestFmt: --check lists unformatted files and exits 1 without writing;
// fmt rewrites them; a syntax error is reported and the file left alone.
func TestFmt(t *testing.T) {
	dir := t.TempDir()
	messy := filepath.Join(dir, "a.hcl")
	clean := filepath.Join(dir, "b.hcl")
	broken := filepath.Join(dir, "sub", "c.hcl")
	src := "site \"a\" {\nmethod=\"relay\"\n  endpoint {\n host = \"x\"\n      port= 25\n}\n}\n"
	os.WriteFile(messy, []byte(src), 0o644)
	os.WriteFile(clean, []byte("site \"b\" {\n  method = \"relay\"\n}\n"), 0o644)
	none := testGetenv(nil)

	code, out, _ := runCLI(t, none, "fmt", "--check", dir)
	if code != exitFail || strings.TrimSpace(out) != messy || mustRead(t, messy) != src {
		t.Fatalf("fmt --check: exit %d, out %q", code, out)
	}
	if code, out, _ = runCLI(t, none, "fmt", dir); code != exitOK || strings.TrimSpace(out) != messy {
		t.Fatalf("fmt: exit %d, out %q", code, out)
	}
	want := "site \"a\" {\n  method = \"relay\"\n  endpoint {\n    host = \"x\"\n    port = 25\n  }\n}\n"
	if got := mustRead(t, messy); got != want {
		t.Errorf("formatted:\n%s\nwant\n%s", got, want)
	}
	if code, out, _ = runCLI(t, none, "fmt", "--check", dir); code != exitOK || out != "" {
		t.Errorf("second check: exit %d %q", code, out)
	}
	os.MkdirAll(filepath.Dir(broken), 0o755)
	os.WriteFile(broken, []byte("site \"c\" {\n"), 0o644)
	if code, _, errs := runCLI(t, none, "fmt", dir); code != exitUsage || !strings.Contains(errs, "c.hcl") || mustRead(t, broken) != "site \"c\" {\n" {
		t.Errorf("syntax error: exit %d %q", code, errs)
	}
}
