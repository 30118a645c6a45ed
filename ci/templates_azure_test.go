package ci

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// azStep runs an Azure Pipelines bash step as the agent does (bash
// --noprofile --norc, no -e: the script sets its own options), with the
// pipeline's variables as environment variables and ##vso[task.prependpath]
// applied to the next steps.
func azStep(t *testing.T, sh *shell, script string, env map[string]string) (string, int) {
	t.Helper()
	out, code := sh.run(t, script, env)
	for _, m := range regexp.MustCompile(`##vso\[task\.prependpath\](.*)`).FindAllStringSubmatch(out, -1) {
		sh.prepend = append([]string{m[1]}, sh.prepend...)
	}
	return out, code
}

func azShell(t *testing.T, dir string, vars map[string]string) *shell {
	env := map[string]string{"TF_BUILD": "True", "AGENT_OS": "Linux", "AGENT_TEMPDIRECTORY": t.TempDir(),
		"HOME": filepath.Join(t.TempDir(), "home"), "BUILD_SOURCEBRANCH": "refs/heads/main"}
	for k, v := range vars {
		env[k] = v
	}
	return &shell{dir: dir, env: env}
}

func azBash(t *testing.T, steps []any, display string) map[string]any {
	t.Helper()
	for _, s := range steps {
		st := s.(map[string]any)
		if _, ok := st["bash"]; ok && strings.HasPrefix(toString(st["displayName"]), display) {
			return st
		}
	}
	t.Fatalf("no bash step %q", display)
	return nil
}

// TestAzurePipelinesTemplateRuns executes the Azure pipeline's Linux
// steps as shipped: the lint job finds the shipped site list stale and
// prints the one to paste; with it pasted the check passes; then the
// template's ${{ each }} is expanded per site (variable group = only the
// site's secrets; an unmapped one stays "$(NAME)", as Azure leaves it)
// and each site job's bash steps run.
func TestAzurePipelinesTemplateRuns(t *testing.T) {
	rel := testRelease(t)
	base := serveRelease(t, rel.dir)
	repo := mspRepo(t, rel)
	landed := workflowLanded(t, rel.bin)
	doc := load(t, "azure/azure-pipelines.yml")
	vars := pinned(strMap(doc["variables"]), rel, base)
	lint := get(t, doc, "jobs", 0, "steps").([]any)

	planDir := copyTree(t, repo)
	shipped, _ := os.ReadFile("azure/azure-pipelines.yml")
	pipeline := filepath.Join(planDir, "azure-pipelines.yml")
	os.WriteFile(pipeline, shipped, 0o644)
	sh := azShell(t, planDir, vars)
	steps := []string{"install smtpspec"}
	if landed {
		steps = append(steps, "validate", "list sites")
	} else {
		copyFile(t, filepath.Join("testdata", "msp", "sites.json"), filepath.Join(sh.env["AGENT_TEMPDIRECTORY"], "sites.json"))
	}
	for _, name := range steps {
		if out, code := azStep(t, sh, azBash(t, lint, name)["bash"].(string), nil); code != 0 {
			t.Fatalf("%s exited %d:\n%s", name, code, out)
		}
	}
	check := azBash(t, lint, "check the site list")["bash"].(string)
	out, code := azStep(t, sh, check, nil)
	if code == 0 || !strings.Contains(out, "does not list the sites and variables of specs/") {
		t.Fatalf("the shipped example list passed the check for other specs (exit %d):\n%s", code, out)
	}
	block := out[strings.Index(out, "\n")+1:]
	block = block[:strings.Index(block, "difference (<")] // the printed list, before the diff
	patched := regexp.MustCompile(`(?s)(# smtpspec:sites:begin\n).*?(\n *# smtpspec:sites:end)`).
		ReplaceAllString(string(shipped), "${1}"+strings.TrimSuffix(block, "\n")+"${2}")
	os.WriteFile(pipeline, []byte(patched), 0o644)
	if out, code := azStep(t, sh, check, nil); code != 0 {
		t.Fatalf("the pasted list fails the check:\n%s", out)
	}

	var doc2 map[string]any
	doc2 = loadText(t, patched)
	gate := get(t, doc2, "jobs", 1).(map[string]any)
	var job map[string]any
	for _, v := range gate {
		job = get(t, v, 0, "${{ each site in parameters.sites }}", 0).(map[string]any)
	}
	for _, p := range get(t, doc2, "parameters", 0, "default").([]any) {
		site := p.(map[string]any)
		name := site["name"].(string)
		var names []string
		for _, n := range site["env"].([]any) {
			names = append(names, n.(string))
		}
		t.Run(name, func(t *testing.T) {
			checkout := copyTree(t, repo)
			group := secretsOf(name, landed)
			sh := azShell(t, checkout, vars)
			expand := strings.NewReplacer("${{ site.name }}", name, "${{ join(' ', site.env) }}", strings.Join(names, " "))
			for _, display := range []string{"install smtpspec (Linux", "probe ${{ site.name }} (bash)", "summary (bash)"} {
				st := azBash(t, job["steps"].([]any), display)
				if !strings.HasPrefix(toString(st["condition"]), "ne(variables['Agent.OS'], 'Windows_NT')") &&
					!strings.Contains(toString(st["condition"]), "ne(variables['Agent.OS'], 'Windows_NT')") {
					t.Errorf("%s: condition %v does not pick Linux agents", display, st["condition"])
				}
				env := map[string]string{}
				for k, v := range group {
					if !contains(names, k) {
						env[k] = v // until i13-workflow lands: every site's secrets
					}
				}
				for k, v := range strMap(st["env"]) {
					if k == "${{ each name in site.env }}" {
						for _, n := range names { // ${{ name }}: $(${{ name }})
							env[n] = "$(" + n + ")"
							if v, ok := group[n]; ok {
								env[n] = v
							}
						}
						continue
					}
					env[k] = expand.Replace(v)
				}
				out, code := azStep(t, sh, st["bash"].(string), env)
				if code != 0 {
					t.Fatalf("%s exited %d:\n%s", display, code, out)
				}
				if display == "summary (bash)" && !strings.Contains(out, "##vso[task.uploadsummary]"+checkout+"/reports/"+name+".md") {
					t.Errorf("summary step printed %q", out)
				}
				noLeak(t, display, out)
			}
			wantReports(t, checkout, name)
			noLeak(t, "site job "+name, "", checkout)
		})
	}
	t.Run("unmapped secret", func(t *testing.T) {
		sh := azShell(t, copyTree(t, repo), vars)
		st := azBash(t, job["steps"].([]any), "probe ${{ site.name }} (bash)")
		out, code := azStep(t, sh, st["bash"].(string), map[string]string{
			"SITE": "hq-mfp", "SMTPSPEC_SITE_ENV": "HQ_MFP_SMTP_PASSWORD", "HQ_MFP_SMTP_PASSWORD": "$(HQ_MFP_SMTP_PASSWORD)"})
		if code != 2 || !strings.Contains(out, "site hq-mfp reads HQ_MFP_SMTP_PASSWORD: add it to the variable group smtpspec-hq-mfp") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
}
