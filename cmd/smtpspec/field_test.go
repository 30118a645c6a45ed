package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPerSiteJobs is the advertised CI workflow: one job per site, each
// holding only its own site's secret, runs `run specs/ --site SITE` over
// the whole repository, writes its JUnit report and its pending golden,
// and the golden is accepted afterwards without probing again.
func TestPerSiteJobs(t *testing.T) {
	r := newMSPRepo(t)
	for _, site := range []string{"hq-mfp", "branch-ds", "warehouse-oauth"} {
		t.Run(site, func(t *testing.T) {
			junit := filepath.Join(r.dir, "reports", site, "junit.xml")
			code, out, errs := r.job(t, site, "run", r.specs, "--site", site, "--report", "junit="+junit)
			if code != exitFail || !strings.Contains(out, "NEW   "+site) {
				t.Fatalf("first run: exit %d, want 1 (new)\n%s%s", code, out, errs)
			}
			mustContain(t, "report", out, "accept:   smtpspec review --golden "+r.golden+" --site "+site+" --accept")
			if strings.Contains(errs, "not set") || strings.Contains(errs, "has no site") {
				t.Errorf("the job needed another site's variable or saw orphans:\n%s", errs)
			}
			if _, err := os.Stat(junit); err != nil {
				t.Errorf("no JUnit report: %v", err)
			}
			if code, out, _ := runCLI(t, testGetenv(nil), "review", "--golden", r.golden, "--site", site, "--accept"); code != exitOK {
				t.Fatalf("review --accept: exit %d\n%s", code, out)
			}
			if code, out, errs := r.job(t, site, "run", r.specs, "--site", site); code != exitOK {
				t.Errorf("after accepting: exit %d\n%s%s", code, out, errs)
			}
		})
	}
	for _, site := range []string{"hq-mfp", "warehouse-oauth"} {
		for _, f := range []string{r.goldenOf(site), filepath.Join(r.dir, "reports", site, "junit.xml")} {
			assertNoSecret(t, f, mustRead(t, f))
			for _, s := range []string{hqPassword, warehouseSecret} {
				if strings.Contains(mustRead(t, f), s) {
					t.Errorf("%s holds a secret", f)
				}
			}
		}
	}
}

// TestJobWithoutItsSecret: the job of a site whose secret is missing (a
// misnamed CI variable) stops before probing, at that site's env() call,
// and says nothing about the other sites.
func TestJobWithoutItsSecret(t *testing.T) {
	r := newMSPRepo(t)
	code, out, errs := runCLI(t, testGetenv(r.jobs["branch-ds"]), "run", r.specs, "--site", "hq-mfp", "--golden", r.golden)
	if code != exitUsage || out != "" {
		t.Fatalf("exit %d, want 2 and no report\n%s%s", code, out, errs)
	}
	mustContain(t, "stderr", errs, "Environment variable HQ_MFP_SMTP_PASSWORD is not set",
		"hq.hcl line 21, column 16", `auth.password of site "hq-mfp"`, "nothing was probed")
	if strings.Contains(errs, "WAREHOUSE") {
		t.Errorf("the error names another site's variable:\n%s", errs)
	}
	if exists(r.pending("hq-mfp")) {
		t.Error("a pending golden was written although nothing was probed")
	}
}

// TestValidateWithoutSecrets: validate on a pull request's runner, which
// holds no customer secret, passes and says what each site will need;
// --strict (or --require-env) makes those errors.
func TestValidateWithoutSecrets(t *testing.T) {
	r := newMSPRepo(t)
	code, out, errs := runCLI(t, testGetenv(nil), "validate", r.specs)
	if code != exitOK {
		t.Fatalf("validate: exit %d\n%s%s", code, out, errs)
	}
	mustContain(t, "stdout", out, "3 site(s) in 2 file(s): valid; 2 environment variable(s)")
	mustContain(t, "stderr", errs, `Site "hq-mfp" reads an environment variable that is not set`,
		"HQ_MFP_SMTP_PASSWORD  auth.password (line 21), a secret",
		"WAREHOUSE_CLIENT_SECRET  auth.oauth.client_secret (line 44), a secret")
	if strings.Contains(errs, "Error:") {
		t.Errorf("validate without secrets reports errors:\n%s", errs)
	}
	for _, flag := range []string{"--strict", "--require-env"} {
		code, _, errs = runCLI(t, testGetenv(nil), "validate", flag, r.specs)
		if code != exitUsage || strings.Count(errs, "Error: Environment variable") != 2 {
			t.Errorf("validate %s: exit %d, want 2 with two errors\n%s", flag, code, errs)
		}
	}
	if code, _, errs = runCLI(t, r.everyone(), "validate", "--strict", r.specs); code != exitOK {
		t.Errorf("validate --strict with every secret: exit %d\n%s", code, errs)
	}
	// A site's own job checks only its site.
	if code, _, errs = runCLI(t, testGetenv(r.jobs["hq-mfp"]), "validate", "--strict", "--site", "hq-mfp", r.specs); code != exitOK {
		t.Errorf("validate --strict --site hq-mfp in hq's job: exit %d\n%s", code, errs)
	}
	assertNoSecret(t, "validate", out+errs)
}

// TestListEnv: the JSON the CI templates build their per-site jobs from,
// key for key, and the human table.
func TestListEnv(t *testing.T) {
	r := newMSPRepo(t)
	code, out, errs := runCLI(t, testGetenv(r.jobs["hq-mfp"]), "validate", "--list-env", "--format", "json", r.specs)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var got any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	env := func(name, use, block string, set bool) map[string]any {
		return map[string]any{"name": name, "use": use, "block": block, "secret": true, "set": set}
	}
	site := func(name, file string, line float64, method string, vars ...any) map[string]any {
		if vars == nil {
			vars = []any{}
		}
		return map[string]any{"name": name, "file": filepath.ToSlash(filepath.Join(r.specs, file)), "line": line,
			"method": method, "env": vars}
	}
	want := map[string]any{"sites": []any{
		site("branch-ds", "branches.hcl", 1, "direct_send"),
		site("hq-mfp", "hq.hcl", 1, "submission", env("HQ_MFP_SMTP_PASSWORD", "password", "auth", true)),
		site("warehouse-oauth", "branches.hcl", 21, "submission", env("WAREHOUSE_CLIENT_SECRET", "client_secret", "auth.oauth", false)),
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("list-env JSON (-want +got):\n%s", diff)
	}
	assertNoSecret(t, "list-env", out)

	code, out, _ = runCLI(t, testGetenv(nil), "validate", "--list-env", "--site", "w*", r.specs)
	if code != exitOK {
		t.Fatalf("human: exit %d", code)
	}
	mustContain(t, "table", out, "SITE", "SET HERE", "warehouse-oauth", "WAREHOUSE_CLIENT_SECRET", "auth.oauth.client_secret",
		"1 site(s), 1 variable(s), 1 not set here")
	if strings.Contains(out, "hq-mfp") {
		t.Errorf("--site w* lists hq-mfp:\n%s", out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--list-env", "--strict"}, "not set in this environment: HQ_MFP_SMTP_PASSWORD, WAREHOUSE_CLIENT_SECRET"},
		{[]string{"--list-env", "--format", "yaml"}, `unknown --format "yaml"`},
		{[]string{"--format", "json"}, "--format is for --list-env"},
		{[]string{"--list-env", "--site", "nobody"}, "no site matches --site [nobody]"},
	} {
		code, _, errs := runCLI(t, testGetenv(nil), append(append([]string{"validate"}, tc.args...), r.specs)...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("validate %q: exit %d, want 2 and %q:\n%s", tc.args, code, tc.want, errs)
		}
	}
}

// TestSubsetGoldens: a subset of files or sites never reports the other
// sites' goldens as orphans, and --prune removes only goldens no spec of
// the folder declares.
func TestSubsetGoldens(t *testing.T) {
	r := newMSPRepo(t)
	if code, out, errs := runCLI(t, r.everyone(), "run", r.specs, "--golden", r.golden, "--update"); code != exitOK {
		t.Fatalf("recording every golden: exit %d\n%s%s", code, out, errs)
	}
	os.WriteFile(r.pending("branch-ds"), []byte("a pending change someone has not reviewed\n"), 0o644)
	os.WriteFile(r.goldenOf("retired"), []byte("x\n"), 0o644)
	os.WriteFile(r.pending("retired"), []byte("x\n"), 0o644)
	hq := filepath.Join(r.specs, "hq.hcl")

	for _, args := range [][]string{{"run", hq}, {"run", r.specs, "--site", "hq-mfp"}} {
		_, _, errs := r.job(t, "hq-mfp", args...)
		if strings.Count(errs, "has no site") != 1 || !strings.Contains(errs, "retired.golden (and retired.golden.new) has no site in "+r.specs) {
			t.Errorf("%q lists other orphans than the retired site:\n%s", args, errs)
		}
	}
	_, _, errs := r.job(t, "hq-mfp", "run", hq, "--prune")
	mustContain(t, "prune", errs, `pruned golden `+r.goldenOf("retired")+` (and retired.golden.new) (no site "retired" in `+r.specs+")")
	for _, keep := range []string{r.goldenOf("branch-ds"), r.pending("branch-ds"), r.goldenOf("warehouse-oauth"), r.goldenOf("hq-mfp")} {
		if !exists(keep) {
			t.Errorf("--prune with a subset removed %s", keep)
		}
	}
	if exists(r.goldenOf("retired")) || exists(r.pending("retired")) {
		t.Error("--prune kept the retired site's files")
	}

	// A spec beside the file that does not parse: its sites are unknown,
	// so nothing is pruned.
	os.WriteFile(r.goldenOf("retired"), []byte("x\n"), 0o644)
	r.write(t, "broken.hcl", "site \"half\" {\n")
	_, _, errs = r.job(t, "hq-mfp", "run", hq, "--prune")
	mustContain(t, "prune beside a broken spec", errs, "none are listed or pruned", "broken.hcl line 1 does not parse")
	if !exists(r.goldenOf("retired")) {
		t.Error("--prune removed a golden while a spec beside could not be read")
	}
}

// TestReviewAcceptSite: review --site GLOB --accept / --reject decide for
// those sites only, probing nothing; the control's pending golden goes
// with its site.
func TestReviewAcceptSite(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"hq-mfp", "hq-mfp.control", "hq-mfp-2", "branch"} {
		os.WriteFile(filepath.Join(dir, n+".golden.new"), []byte(n+"\n"), 0o644)
	}
	none := testGetenv(nil)
	code, out, _ := runCLI(t, none, "review", "--golden", dir, "--site", "hq-mfp", "--accept")
	if code != exitOK || !strings.Contains(out, "2 accepted, 0 rejected") {
		t.Fatalf("accept: exit %d\n%s", code, out)
	}
	for n, want := range map[string]bool{"hq-mfp": true, "hq-mfp.control": true, "hq-mfp-2": false, "branch": false} {
		if got := exists(filepath.Join(dir, n+".golden")); got != want {
			t.Errorf("%s accepted = %t, want %t", n, got, want)
		}
	}
	if code, out, _ = runCLI(t, none, "review", "--golden", dir, "--site", "branch", "--reject"); code != exitOK ||
		exists(filepath.Join(dir, "branch.golden.new")) || exists(filepath.Join(dir, "branch.golden")) {
		t.Errorf("reject: exit %d\n%s", code, out)
	}
	code, out, errs := runCLI(t, none, "review", "--golden", dir, "--site", "hq-mfp", "--accept")
	if code != exitFail || !strings.Contains(out, "no pending golden in "+dir+" matches --site hq-mfp (pending: hq-mfp-2)") ||
		!strings.Contains(errs, "download it from the job's artifacts") {
		t.Errorf("nothing to accept: exit %d\n%s%s", code, out, errs)
	}
	for _, args := range [][]string{
		{"--accept"}, {"--site", "x", "--accept", "--reject"}, {"--accept-all", "--reject-all"}, {"--site", "x", "--accept", "--accept-all"},
		{"--site", "[", "--accept"}, {"hq-mfp"},
	} {
		if code, _, _ := runCLI(t, none, append([]string{"review", "--golden", dir}, args...)...); code != exitUsage {
			t.Errorf("review %q: exit %d, want 2", args, code)
		}
	}
}

// TestReportPathsCheckedFirst: report files are checked before anything
// is probed: a missing folder is created, an impossible target is a usage
// error and no site is probed (no pending golden, no AUTH attempt).
func TestReportPathsCheckedFirst(t *testing.T) {
	r := newMSPRepo(t)
	notAFolder := filepath.Join(r.dir, "plain-file")
	os.WriteFile(notAFolder, []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(r.dir, "a-folder"), 0o755)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--report", "junit=" + filepath.Join(notAFolder, "junit.xml")}, "cannot create the folder of report"},
		{[]string{"--report", "junit=" + filepath.Join(r.dir, "a-folder")}, "is a folder: give a file name"},
		{[]string{"--out", filepath.Join(r.dir, "r.xml"), "--report", "junit=" + filepath.Join(r.dir, ".", "r.xml")}, "two reports would be written to"},
	} {
		code, _, errs := r.job(t, "hq-mfp", append([]string{"run", r.specs, "--site", "hq-mfp"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "nothing was probed") {
			t.Errorf("%q: exit %d, want 2 and %q:\n%s", tc.args, code, tc.want, errs)
		}
		if exists(r.pending("hq-mfp")) {
			t.Fatalf("%q: the site was probed", tc.args)
		}
	}
	nested := filepath.Join(r.dir, "reports", "hq-mfp", "nightly")
	code, _, errs := r.job(t, "hq-mfp", "run", r.specs, "--site", "hq-mfp", "--format", "json", "--out", filepath.Join(nested, "r.json"),
		"--report", "junit="+filepath.Join(nested, "junit.xml"), "--report", "html="+filepath.Join(nested, "report.html"))
	if code != exitFail {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	entries, _ := os.ReadDir(nested)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "junit.xml r.json report.html" {
		t.Errorf("report folder holds %q, want the three reports and nothing else", names)
	}
}

// TestControlGoldenGoesWithItsSite: a new site with a control gets two
// pending goldens and one accept command, which takes both; its job reads
// the control mailbox's password too, and validate --list-env says so.
func TestControlGoldenGoesWithItsSite(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "directsend-ok")
	caddr, cca := startScenario(t, "submission-ok")
	host, port, _ := net.SplitHostPort(caddr)
	spec := writeSpec(t, dir, "branch", "direct_send", addr, ca, "starttls", fmt.Sprintf(`  control {
    endpoint {
      host        = %q
      port        = %s
      server_name = "localhost"
      ca_file     = %q
    }
    auth {
      username = "control@contoso.com"
      password = env("BRANCH_CONTROL_PASSWORD")
    }
  }
`, host, port, cca))
	gdir := filepath.Join(dir, "golden")
	job := testGetenv(map[string]string{"BRANCH_CONTROL_PASSWORD": "control-pw", "SMTPSPEC_CACHE_DIR": t.TempDir()})
	code, out, errs := runCLI(t, job, "run", "--golden", gdir, spec)
	if code != exitFail || strings.Count(out, "smtpspec review") != 1 {
		t.Fatalf("first run: exit %d, want 1 with one accept command\n%s%s", code, out, errs)
	}
	mustContain(t, "report", out, "pending:  this run's golden is in "+filepath.Join(gdir, "branch.golden.new"),
		"pending:  this run's golden is in "+filepath.Join(gdir, "branch.control.golden.new"))
	if code, out, _ = runCLI(t, job, "review", "--golden", gdir, "--site", "branch", "--accept"); code != exitOK ||
		!strings.Contains(out, "2 accepted") {
		t.Fatalf("review: exit %d\n%s", code, out)
	}
	if code, out, errs = runCLI(t, job, "run", "--golden", gdir, spec); code != exitOK {
		t.Errorf("after accepting: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ = runCLI(t, testGetenv(nil), "validate", "--list-env", spec)
	mustContain(t, "list-env", out, "BRANCH_CONTROL_PASSWORD", "control.auth.password")
}
