package ci

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pinned is a template's top-level release variables pointed at rel,
// served from base (a mirror, as SMTPSPEC_BASE_URL allows).
func pinned(vars map[string]string, rel release, base string) map[string]string {
	vars["SMTPSPEC_VERSION"], vars["SMTPSPEC_SUMS_SHA256"], vars["SMTPSPEC_BASE_URL"] = rel.version, rel.sums, base
	return vars
}

// TestGitHubTemplateRuns executes the GitHub workflow's Linux steps as
// shipped: the specs job (install the pinned release from a loopback
// mirror, validate, fmt --check, the site matrix from validate
// --list-env), then one site job per matrix entry, each holding only its
// own site's secrets, probing simulators on loopback.
func TestGitHubTemplateRuns(t *testing.T) {
	rel := testRelease(t)
	base := serveRelease(t, rel.dir)
	repo := mspRepo(t, rel)
	landed := workflowLanded(t, rel.bin)
	doc := load(t, "github/smtpspec.yml")
	wfEnv := pinned(strMap(doc["env"]), rel, base)

	specsJob := get(t, doc, "jobs", "specs").(map[string]any)
	plan := newGHJob(t, copyTree(t, repo), wfEnv, nil, nil) // a hosted runner: no secret at all
	mustStep(t, plan, specsJob, "install smtpspec")
	if landed {
		mustStep(t, plan, specsJob, "validate")
		mustStep(t, plan, specsJob, "list sites")
		checkListEnv(t, filepath.Join(plan.files, "sites.json"))
	} else {
		copyFile(t, filepath.Join("testdata", "msp", "sites.json"), filepath.Join(plan.files, "sites.json"))
	}
	mustStep(t, plan, specsJob, "site matrix")
	if plan.outputs["count"] != "3" {
		t.Fatalf("count = %q, want 3", plan.outputs["count"])
	}
	var matrix struct{ Include []map[string]any }
	if err := json.Unmarshal([]byte(plan.outputs["matrix"]), &matrix); err != nil {
		t.Fatalf("matrix output %q: %v", plan.outputs["matrix"], err)
	}

	siteJob := get(t, doc, "jobs", "site").(map[string]any)
	for _, entry := range matrix.Include {
		site := entry["site"].(string)
		t.Run(site, func(t *testing.T) {
			own, extra := map[string]string{}, map[string]string{}
			for k, v := range secretsOf(site, landed) {
				if contains(siteSecrets[site], k) {
					own[k] = v // the site's GitHub environment
				} else {
					extra[k] = v // until i13-workflow lands: the other sites' secrets too
				}
			}
			checkout := copyTree(t, repo)
			job := newGHJob(t, checkout, wfEnv, entry, own)
			mustStep(t, job, siteJob, "install smtpspec (Linux")
			out, code := job.step(t, siteJob, "probe ${{ matrix.site }} (bash)", extra)
			if code != 0 {
				t.Fatalf("probe exited %d:\n%s", code, out)
			}
			mustStep(t, job, siteJob, "job summary (bash)")
			wantReports(t, checkout, site)
			summary, _ := os.ReadFile(filepath.Join(job.files, "summary"))
			if !strings.Contains(string(summary), site) {
				t.Errorf("job summary does not name the site:\n%s", summary)
			}
			noLeak(t, "probe "+site, out, checkout, job.files)
		})
	}

	// A site whose secret was never stored in its GitHub environment: the
	// job says which secret and where, and probes nothing.
	t.Run("missing secret", func(t *testing.T) {
		checkout := copyTree(t, repo)
		entry := map[string]any{"site": "hq-mfp", "env": []any{"HQ_MFP_SMTP_PASSWORD"}}
		job := newGHJob(t, checkout, wfEnv, entry, nil)
		mustStep(t, job, siteJob, "install smtpspec (Linux")
		out, code := job.step(t, siteJob, "probe ${{ matrix.site }} (bash)", nil)
		if code != 2 || !strings.Contains(out, "::error title=HQ_MFP_SMTP_PASSWORD is not set::") ||
			!strings.Contains(out, "GitHub environment hq-mfp") {
			t.Errorf("exit %d, output:\n%s\nwant exit 2 naming the secret and the environment", code, out)
		}
		if _, err := os.Stat(filepath.Join(checkout, "reports", "hq-mfp.xml")); err == nil {
			t.Error("a job without its secret probed anyway")
		}
	})
}

func mustStep(t *testing.T, j *ghJob, job map[string]any, name string) string {
	t.Helper()
	out, code := j.step(t, job, name, nil)
	if code != 0 {
		t.Fatalf("step %q exited %d:\n%s", name, code, out)
	}
	return out
}

// checkListEnv compares validate --list-env's real output with the
// fixture the tests use until i13-workflow lands (order and "set" aside).
func checkListEnv(t *testing.T, path string) {
	t.Helper()
	type site struct {
		Name, File, Method string
		Env                []struct{ Name, Use, Block string }
	}
	read := func(p string) map[string]site {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Sites []site }
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out := map[string]site{}
		for _, s := range doc.Sites {
			out[s.Name] = s
		}
		return out
	}
	got, want := read(path), read(filepath.Join("testdata", "msp", "sites.json"))
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("validate --list-env gives\n%s\nthe fixture testdata/msp/sites.json says\n%s", gb, wb)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
