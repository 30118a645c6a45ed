package main

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/oauth/tokenserver"
)

// clientSecret is the OAuth client secret the artifact test knows.
const clientSecret = "Cl1ent~Secret.known-to-the-test_42"

// leakForms are every spelling of each secret that could leak: plain,
// base64 (standard and unpadded), URL-encoded (a token request's form
// body), and inside AUTH PLAIN and XOAUTH2 blobs.
func leakForms(user string, secrets map[string]string) map[string]string {
	forms := map[string]string{}
	for name, s := range secrets {
		forms[name] = s
		forms[name+" base64"] = base64.StdEncoding.EncodeToString([]byte(s))
		forms[name+" base64 unpadded"] = base64.RawStdEncoding.EncodeToString([]byte(s))
		forms[name+" url-encoded"] = url.QueryEscape(s)
		forms[name+" in AUTH PLAIN"] = base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + s))
		forms[name+" in XOAUTH2"] = base64.StdEncoding.EncodeToString([]byte("user=" + user + "\x01auth=Bearer " + s + "\x01\x01"))
	}
	return forms
}

// TestNoSecretInAnyArtifact runs every kind of site that holds a secret
// (password with LOGIN and PLAIN, a token, OAuth client credentials),
// against a server that accepts and one that refuses, through every
// command and report format a run has, and then searches everything the
// runs produced (stdout, stderr, every file: goldens, .golden.new,
// --out reports, the AUTH failure state) for every form of every secret.
func TestNoSecretInAnyArtifact(t *testing.T) {
	now := time.Now()
	accessToken := tokenserver.Mint(tokenserver.AppOnly(now))
	ts := tokenserver.NewServer(tokenserver.App, clientSecret, accessToken)
	t.Cleanup(ts.Close)
	secrets := map[string]string{"password": testPassword, "token": testToken, "client secret": clientSecret, "access token": accessToken}
	forms := leakForms(testUser, secrets)
	auths := map[string]string{
		"login":   "    mechanism = \"LOGIN\"\n    password = env(\"P\")\n",
		"plain":   "    mechanism = \"PLAIN\"\n    password = env(\"P\")\n",
		"xoauth2": "    mechanism = \"XOAUTH2\"\n    token = env(\"T\")\n",
		"oauth-client-credentials": fmt.Sprintf("    mechanism = \"XOAUTH2\"\n    oauth {\n      tenant_id = %q\n      client_id = %q\n"+
			"      client_secret = env(\"C\")\n      token_url = %q\n    }\n", tokenserver.Tenant, tokenserver.App, ts.TokenURL()),
	}
	for _, scenario := range []string{"submission-ok", "submission-bad-credentials"} {
		for mech, body := range auths {
			t.Run(scenario+"/"+mech, func(t *testing.T) {
				dir := t.TempDir()
				vals := map[string]string{"P": testPassword, "T": testToken, "C": clientSecret,
					"HOME": dir, "SMTPSPEC_CACHE_DIR": filepath.Join(dir, "cache")}
				getenv := testGetenv(vals)
				addr, ca := startScenario(t, scenario)
				spec := writeSpec(t, dir, scenario, "submission", addr, ca, "starttls",
					"  auth {\n    username = \""+testUser+"\"\n"+body+"  }\n")
				gdir := filepath.Join(dir, "golden")
				runs := [][]string{
					{"validate", spec},
					{"run", "--golden", gdir, "--update", "-v", "--force", spec},
					{"run", "--golden", gdir, "-v", "--force", spec},
					{"run", "--golden", gdir, "--force", "--raw", filepath.Join(dir, "raw"), spec}, // unnormalised, for support
					{"run", "--golden", gdir, "--force", spec},                                     // a refused mailbox: throttled without --force below
					{"run", "--golden", gdir, spec},
				}
				for _, f := range reportFormats {
					runs = append(runs,
						[]string{"run", "--golden", gdir, "--force", "--format", f, spec},
						[]string{"run", "--golden", gdir, "--force", "--format", f, "--out", filepath.Join(dir, "report."+f), spec})
				}
				var out strings.Builder
				for _, args := range runs {
					_, stdout, stderr := runCLI(t, getenv, args...)
					fmt.Fprintf(&out, "$ %s\n%s%s", strings.Join(args, " "), stdout, stderr)
				}
				// CI mode writes a pending .golden.new for a site without a golden.
				vals["CI"] = "true"
				_, stdout, stderr := runCLI(t, getenv, "run", "--golden", filepath.Join(dir, "pending"), "--force", spec)
				out.WriteString(stdout + stderr)
				searchAll(t, forms, "stdout and stderr", out.String())
				files := 0
				filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
					if err != nil || d.IsDir() || p == ca {
						return err
					}
					b, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					files++
					searchAll(t, forms, p, string(b))
					return nil
				})
				if _, err := os.Stat(filepath.Join(dir, "raw", scenario+".raw.txt")); err != nil {
					t.Errorf("--raw wrote nothing to search: %v", err)
				}
				if files < 5+len(reportFormats) {
					t.Errorf("searched only %d files: the runs produced less than expected", files)
				}
				if scenario == "submission-bad-credentials" && !strings.Contains(out.String(), "not probed") {
					t.Errorf("the run without --force after an AUTH failure was not skipped:\n%s", out.String())
				}
			})
		}
	}
}

func searchAll(t *testing.T, forms map[string]string, where, text string) {
	t.Helper()
	for name, form := range forms {
		if strings.Contains(text, form) {
			t.Errorf("%s leaks the %s", where, name)
		}
	}
}

// TestInsecureSkipVerifyWarnsInEveryReport: a spec that turns TLS
// verification off passes against a certificate it cannot verify, and
// every report format says so.
func TestInsecureSkipVerifyWarnsInEveryReport(t *testing.T) {
	dir := t.TempDir()
	addr, _ := startScenario(t, "directsend-ok")
	host, port, _ := net.SplitHostPort(addr)
	spec := filepath.Join(dir, "insecure.hcl")
	src := fmt.Sprintf(`site "insecure" {
  method = "direct_send"
  endpoint {
    host                 = %q
    port                 = %s
    server_name          = "localhost"
    insecure_skip_verify = true # the simulator's CA is not trusted here
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
`, host, port)
	if err := os.WriteFile(spec, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	getenv := testGetenv(map[string]string{"HOME": dir})
	gdir := filepath.Join(dir, "golden")
	if code, out, errs := runCLI(t, getenv, "run", "--golden", gdir, "--update", spec); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, f := range reportFormats {
		code, out, errs := runCLI(t, getenv, "run", "--golden", gdir, "--format", f, spec)
		if code != exitOK {
			t.Errorf("%s: exit %d\n%s", f, code, errs)
		}
		if !strings.Contains(out, "verification is OFF") || !strings.Contains(out, "did NOT verify") {
			t.Errorf("%s report lacks the insecure_skip_verify warning:\n%s", f, out)
		}
	}
}
