package ci

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// load parses a template as YAML into generic maps.
func load(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s is not valid YAML: %v", path, err)
	}
	return doc
}

// get walks doc by keys (map keys or list indexes as ints).
func get(t *testing.T, doc any, keys ...any) any {
	t.Helper()
	cur := doc
	for _, k := range keys {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[k.(string)]
		case []any:
			i := k.(int)
			if i >= len(c) {
				t.Fatalf("index %d out of %v", i, keys)
			}
			cur = c[i]
		default:
			t.Fatalf("no %v in %T at %v", k, cur, keys)
		}
		if cur == nil {
			t.Fatalf("missing %v (path %v)", k, keys)
		}
	}
	return cur
}

// smtpspecFlags are the flags of `smtpspec run` the templates may use.
var smtpspecFlags = map[string]bool{"--site": true, "--report": true, "--golden": true, "--format": true, "--out": true, "--parallel": true}

// checkRunLine checks the probe command of a template: it runs one site
// (--site), writes a JUnit report, and uses only flags the CLI has.
func checkRunLine(t *testing.T, name, script string) {
	t.Helper()
	if !strings.Contains(script, "smtpspec run") && !strings.Contains(script, "smtpspec\" run") {
		t.Fatalf("%s: no smtpspec run command in %q", name, script)
	}
	for _, f := range regexp.MustCompile(`--[a-z-]+`).FindAllString(script, -1) {
		if !smtpspecFlags[f] {
			t.Errorf("%s: unknown smtpspec flag %s", name, f)
		}
	}
	for _, want := range []string{"--site", "--report junit=", "--report markdown=", "--report html="} {
		if !strings.Contains(script, want) {
			t.Errorf("%s: probe command lacks %q", name, want)
		}
	}
}

var wantSites = []string{"contoso-hq-mfp", "contoso-branch-directsend", "contoso-warehouse-relay"}

func TestGitHubActionsTemplate(t *testing.T) {
	doc := load(t, "github/smtpspec.yml")
	job := get(t, doc, "jobs", "site").(map[string]any)
	include := get(t, job, "strategy", "matrix", "include").([]any)
	var sites []string
	for _, e := range include {
		sites = append(sites, e.(map[string]any)["site"].(string))
	}
	if strings.Join(sites, ",") != strings.Join(wantSites, ",") {
		t.Errorf("matrix sites = %v", sites)
	}
	if get(t, job, "strategy", "fail-fast") != false {
		t.Error("fail-fast must be false: one site's failure must not cancel the others")
	}
	runsOn := get(t, job, "runs-on").([]any)
	if runsOn[0] != "self-hosted" || !strings.Contains(runsOn[1].(string), "${{ matrix.site }}") {
		t.Errorf("runs-on = %v, want a self-hosted runner labelled per site", runsOn)
	}
	var probe, uploads string
	for _, s := range get(t, job, "steps").([]any) {
		step := s.(map[string]any)
		if run, ok := step["run"].(string); ok && strings.Contains(run, "smtpspec run") {
			probe = run
			env := step["env"].(map[string]any)
			if !strings.Contains(env["SMTP_PASSWORD"].(string), "secrets.") {
				t.Error("the password must come from the CI secret store")
			}
		}
		if uses, _ := step["uses"].(string); strings.HasPrefix(uses, "actions/upload-artifact") {
			uploads += get(t, step, "with", "path").(string) + "\n"
		}
	}
	checkRunLine(t, "github", probe)
	if !strings.Contains(uploads, "golden/*.golden.new") || !strings.Contains(uploads, "reports/") {
		t.Errorf("uploads %q: want reports and pending goldens", uploads)
	}
}

func TestGitLabTemplate(t *testing.T) {
	doc := load(t, "gitlab/.gitlab-ci.yml")
	base := get(t, doc, ".smtpspec").(map[string]any)
	var script []string
	for _, l := range get(t, base, "script").([]any) {
		script = append(script, l.(string))
	}
	checkRunLine(t, "gitlab", strings.Join(script, "\n"))
	if get(t, base, "artifacts", "reports", "junit") != "reports/$SITE.xml" {
		t.Error("the JUnit report must be declared as artifacts:reports:junit")
	}
	if get(t, base, "artifacts", "when") != "always" {
		t.Error("artifacts must be kept when the job fails")
	}
	paths := get(t, base, "artifacts", "paths").([]any)
	if paths[len(paths)-1] != "golden/*.golden.new" {
		t.Errorf("artifacts paths %v lack the pending goldens", paths)
	}
	for _, site := range wantSites {
		job := get(t, doc, site).(map[string]any)
		if job["extends"] != ".smtpspec" || get(t, job, "variables", "SITE") != site {
			t.Errorf("job %s: %v", site, job)
		}
		if tags := get(t, job, "tags").([]any); len(tags) != 1 || tags[0] != "smtpspec-"+site {
			t.Errorf("job %s tags %v, want the site's runner tag", site, tags)
		}
	}
}

func TestAzurePipelinesTemplate(t *testing.T) {
	doc := load(t, "azure/azure-pipelines.yml")
	var sites []string
	for _, s := range get(t, doc, "parameters", 0, "default").([]any) {
		sites = append(sites, s.(map[string]any)["name"].(string))
	}
	if strings.Join(sites, ",") != strings.Join(wantSites, ",") {
		t.Errorf("sites = %v", sites)
	}
	each := get(t, doc, "jobs", 0).(map[string]any)
	var job map[string]any
	for k, v := range each {
		if !strings.HasPrefix(k, "${{ each site in parameters.sites }}") {
			t.Fatalf("jobs must loop over the sites: %q", k)
		}
		job = v.([]any)[0].(map[string]any)
	}
	if get(t, job, "pool", "name") != "smtpspec-${{ site.name }}" {
		t.Errorf("pool = %v, want the site's agent pool", job["pool"])
	}
	var tasks []string
	for _, s := range get(t, job, "steps").([]any) {
		step := s.(map[string]any)
		if script, ok := step["script"].(string); ok && strings.Contains(script, "run specs/") {
			checkRunLine(t, "azure", script)
			if !strings.Contains(get(t, step, "env", "SMTP_PASSWORD_VALUE").(string), "$(SMTP_PASSWORD)") {
				t.Error("the secret must be mapped from the variable group")
			}
		}
		if task, ok := step["task"].(string); ok {
			tasks = append(tasks, task)
			if task == "PublishTestResults@2" && get(t, step, "inputs", "testResultsFormat") != "JUnit" {
				t.Error("test results must be published as JUnit")
			}
		}
	}
	for _, want := range []string{"PublishTestResults@2", "PublishPipelineArtifact@1", "CopyFiles@2"} {
		if !strings.Contains(strings.Join(tasks, " "), want) {
			t.Errorf("steps lack task %s", want)
		}
	}
}
