package ci

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// shell runs a template's script as a CI system's runner does: a script
// file run by bash with the given options, in dir, with exactly env (no
// variable of the test process leaks in), PATH being prepend + the base.
type shell struct {
	dir     string
	env     map[string]string
	prepend []string // PATH entries added by earlier steps (GITHUB_PATH, prependpath)
	opts    []string // bash options: GitHub's -eo pipefail, Azure's none
}

const basePath = "/usr/local/bin:/usr/bin:/bin"

func (s *shell) run(t *testing.T, script string, extra map[string]string) (string, int) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "step.sh")
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{"--noprofile", "--norc"}, s.opts...), f)
	cmd := exec.Command("bash", args...)
	cmd.Dir = s.dir
	env := map[string]string{}
	for k, v := range s.env {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	env["PATH"] = strings.Join(append(append([]string{}, s.prepend...), basePath), ":")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(3 * time.Minute): // bounded: a hung step fails the test
		cmd.Process.Kill()
		<-done
		t.Fatalf("step did not end within 3 minutes:\n%s", out.String())
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// copyTree copies a repository so each CI job has its own checkout.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// noLeak fails when a secret shows, plain or base64 (alone or as an AUTH
// PLAIN blob), in text or in any file under dirs.
func noLeak(t *testing.T, what, text string, dirs ...string) {
	t.Helper()
	check := func(where, s string) {
		for name, v := range mspSecrets {
			for _, form := range []string{v, base64.StdEncoding.EncodeToString([]byte(v)),
				base64.StdEncoding.EncodeToString([]byte("\x00scanner@contoso.com\x00" + v)),
				base64.StdEncoding.EncodeToString([]byte("\x00control@contoso.com\x00" + v))} {
				if strings.Contains(s, form) {
					t.Errorf("%s: %s shows the value of %s", what, where, name)
				}
			}
		}
	}
	check("the output", text)
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() && !strings.HasSuffix(p, ".hcl") {
				b, _ := os.ReadFile(p)
				check(p, string(b))
			}
			return nil
		})
	}
}

// wantReports checks that a site job left its three reports and that the
// JUnit one passed.
func wantReports(t *testing.T, repo, site string) {
	t.Helper()
	for _, ext := range []string{".xml", ".md", ".html"} {
		b, err := os.ReadFile(filepath.Join(repo, "reports", site+ext))
		if err != nil {
			t.Errorf("site %s: %v", site, err)
			continue
		}
		if !strings.Contains(string(b), site) {
			t.Errorf("site %s: reports/%s%s does not name the site", site, site, ext)
		}
		if ext == ".xml" && (strings.Contains(string(b), "<failure") || strings.Contains(string(b), "<error")) {
			t.Errorf("site %s: the JUnit report has failures:\n%s", site, b)
		}
	}
}

// secretsOf is what a site's job holds: its own secrets, and until
// i13-workflow lands every site's (run resolves every spec's env()).
func secretsOf(site string, landed bool) map[string]string {
	out := map[string]string{}
	for _, n := range siteSecrets[site] {
		out[n] = mspSecrets[n]
	}
	if !landed {
		for k, v := range mspSecrets {
			out[k] = v
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
