package ci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// glJob resolves a GitLab job's extends chain (hashes merged deeply,
// lists replaced, as GitLab does) in the documents given, last wins.
func glJob(t *testing.T, name string, docs ...map[string]any) map[string]any {
	t.Helper()
	var raw map[string]any
	for _, d := range docs {
		if j, ok := d[name].(map[string]any); ok {
			raw = j
		}
	}
	if raw == nil {
		t.Fatalf("no job %s", name)
	}
	base, ok := raw["extends"].(string)
	if !ok {
		return raw
	}
	return merge(glJob(t, base, docs...), raw)
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if am, ok := out[k].(map[string]any); ok {
			if bm, ok := v.(map[string]any); ok {
				out[k] = merge(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// glRun runs a job's before_script and script as GitLab's bash shell does:
// one script, set -eo pipefail, in the project folder, with the
// pipeline's and the job's variables and what the runner's project holds.
// skip drops lines that prepare a shared runner's image (apt-get).
func glRun(t *testing.T, dir string, job map[string]any, vars map[string]string, skip string) (string, int) {
	t.Helper()
	var lines []string
	for _, k := range []string{"before_script", "script"} {
		for _, l := range allStrings(job[k]) {
			if skip == "" || !strings.HasPrefix(l, skip) {
				lines = append(lines, l)
			}
		}
	}
	env := map[string]string{"CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": dir, "HOME": filepath.Join(t.TempDir(), "home")}
	for k, v := range vars {
		env[k] = v
	}
	for k, v := range strMap(job["variables"]) {
		env[k] = v
	}
	sh := shell{dir: dir, env: env}
	return sh.run(t, "set -eo pipefail\n"+strings.Join(lines, "\n"), nil)
}

// TestGitLabTemplateRuns executes the GitLab pipeline's Linux jobs as
// shipped: smtpspec-lint and smtpspec-plan on a "shared runner" (the
// image's apt-get line aside), then the child pipeline smtpspec-plan
// wrote, each site job with only its environment's variables.
func TestGitLabTemplateRuns(t *testing.T) {
	rel := testRelease(t)
	base := serveRelease(t, rel.dir)
	repo := mspRepo(t, rel)
	landed := workflowLanded(t, rel.bin)
	doc := load(t, "gitlab/.gitlab-ci.yml")
	vars := pinned(strMap(doc["variables"]), rel, base)
	vars["SMTPSPEC_WINDOWS_SITES"] = "shop-*"

	plan := glJob(t, "smtpspec-plan", doc)
	planDir := copyTree(t, repo)
	if landed {
		for _, j := range []string{"smtpspec-lint", "smtpspec-plan"} {
			if out, code := glRun(t, planDir, glJob(t, j, doc), vars, "apt-get"); code != 0 {
				t.Fatalf("%s exited %d:\n%s", j, code, out)
			}
		}
		checkListEnv(t, filepath.Join(planDir, "sites.json"))
	} else {
		copyFile(t, filepath.Join("testdata", "msp", "sites.json"), filepath.Join(planDir, "sites.json"))
		plan["script"] = plan["script"].([]any)[1:] // all but validate --list-env
		if out, code := glRun(t, planDir, plan, vars, "apt-get"); code != 0 {
			t.Fatalf("smtpspec-plan exited %d:\n%s", code, out)
		}
	}
	b, err := os.ReadFile(filepath.Join(planDir, "smtpspec-sites.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var child map[string]any
	if err := yaml.Unmarshal(b, &child); err != nil {
		t.Fatalf("the child pipeline is not YAML: %v\n%s", err, b)
	}
	if toString(child["include"]) != `[{"local":".gitlab-ci.yml"}]` {
		t.Errorf("child include = %v, want this file (SMTPSPEC_CI_FILE)", child["include"])
	}
	for site, kind := range map[string]string{"hq-mfp": "linux", "branch-ds": "linux", "shop-ds": "windows"} {
		j, ok := child[site].(map[string]any)
		if !ok {
			t.Fatalf("the child pipeline has no job %s:\n%s", site, b)
		}
		if j["extends"] != ".smtpspec-site-"+kind || toString(j["tags"]) != `["smtpspec-`+site+`"]` ||
			get(t, j, "environment", "name") != site || get(t, j, "variables", "SITE") != site ||
			get(t, j, "variables", "SMTPSPEC_SITE_ENV") != strings.Join(siteSecrets[site], " ") {
			t.Errorf("child job %s = %v", site, j)
		}
	}

	// Every site on a Linux runner (shop-ds's Windows job is read, not run:
	// no pwsh here; its Linux twin runs instead).
	for _, site := range []string{"hq-mfp", "branch-ds", "shop-ds"} {
		t.Run(site, func(t *testing.T) {
			stub := child[site].(map[string]any)
			stub["extends"] = ".smtpspec-site-linux"
			job := glJob(t, site, doc, map[string]any{site: stub})
			if toString(job["artifacts"]) != toString(get(t, doc, ".smtpspec-site", "artifacts")) {
				t.Errorf("site job artifacts = %v", job["artifacts"])
			}
			checkout := copyTree(t, repo)
			jv := map[string]string{}
			for k, v := range vars {
				jv[k] = v
			}
			for k, v := range secretsOf(site, landed) { // the environment-scoped CI/CD variables
				jv[k] = v
			}
			out, code := glRun(t, checkout, job, jv, "")
			if code != 0 {
				t.Fatalf("site job exited %d:\n%s", code, out)
			}
			wantReports(t, checkout, site)
			noLeak(t, "site job "+site, out, checkout)
		})
	}
	t.Run("missing variable", func(t *testing.T) {
		job := glJob(t, "hq-mfp", doc, map[string]any{"hq-mfp": child["hq-mfp"]})
		job = merge(glJob(t, ".smtpspec-site-linux", doc), map[string]any{"variables": job["variables"]})
		out, code := glRun(t, copyTree(t, repo), job, vars, "")
		if code != 2 || !strings.Contains(out, "site hq-mfp reads HQ_MFP_SMTP_PASSWORD: add it as a CI/CD variable (protected, environment scope hq-mfp)") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
}
