package ci

import (
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The shipped templates: each parsed, checked for the structure that keeps
// customer networks safe, and (templates_*_test.go) executed.
var templates = []string{"github/smtpspec.yml", "gitlab/.gitlab-ci.yml", "azure/azure-pipelines.yml"}

// load parses a template as YAML into generic maps (aliases resolved).
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

// loadText parses a template's text (one a test changed).
func loadText(t *testing.T, text string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("not valid YAML: %v\n%s", err, text)
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

// strings of a parsed document: every script, every value.
func allStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case map[string]any:
		var out []string
		for _, k := range sortedKeys(x) {
			out = append(out, allStrings(k)...)
			out = append(out, allStrings(x[k])...)
		}
		return out
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, allStrings(e)...)
		}
		return out
	}
	return nil
}

// TestTemplatesPinARelease: every template downloads a pinned, checksummed
// release; none builds smtpspec from source or installs a Go toolchain.
func TestTemplatesPinARelease(t *testing.T) {
	for _, p := range templates {
		b, _ := os.ReadFile(p)
		text := string(b)
		for _, bad := range []string{"go install", "setup-go", "GoTool@", "golang:", "@latest"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s: uses %q: the site runner must not need Go", p, bad)
			}
		}
		for _, v := range []string{"SMTPSPEC_VERSION", "SMTPSPEC_SUMS_SHA256", "SMTPSPEC_BASE_URL"} {
			if !regexp.MustCompile(`(?m)^  ` + v + `: `).MatchString(text) {
				t.Errorf("%s: no top-level variable %s", p, v)
			}
		}
		for _, want := range []string{"Get-FileHash", "sha256", "checksum mismatch", "golden/*.golden.new"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", p, want)
			}
		}
	}
}

// TestInstallScriptsAreOne: the install step is the same script in every
// template and job (only the line that puts it on PATH differs), so the
// execution tests of one cover all.
func TestInstallScriptsAreOne(t *testing.T) {
	var linux, windows []string
	for _, p := range templates {
		for _, s := range allStrings(load(t, p)) {
			switch {
			case strings.Contains(s, "set -eu\n# Download the pinned release"):
				linux = append(linux, s[:strings.LastIndex(strings.TrimRight(s, "\n"), "\n")])
			case strings.HasPrefix(s, "# Download the pinned release, verify it, put smtpspec on PATH (Windows"):
				windows = append(windows, s[:strings.LastIndex(strings.TrimRight(s, "\n"), "\n")])
			}
		}
	}
	for name, l := range map[string][]string{"bash": linux, "PowerShell": windows} {
		if len(l) < 3 {
			t.Errorf("%d %s install scripts, want one per template at least", len(l), name)
		}
		for i := range l {
			if l[i] != l[0] {
				t.Errorf("%s install script %d differs from the first:\n%s\n---\n%s", name, i, l[i], l[0])
			}
		}
	}
}

var invocation = regexp.MustCompile(`(?:^|[\s&("])smtpspec"?\s+([a-z]+)([^\n|;>]*)`)

// TestTemplatesUseDocumentedFlags: every smtpspec command in every
// template, bash and PowerShell alike (no pwsh here: the scripts are read,
// not run), uses only flags `smtpspec CMD -h` documents.
func TestTemplatesUseDocumentedFlags(t *testing.T) {
	rel := testRelease(t)
	landed := hasFlag(t, rel.bin, "validate", "list-env")
	pending := map[string]bool{"validate --list-env": true, "validate --format": true}
	seen, commands := map[string]bool{}, subcommands(t, rel.bin)
	for _, p := range templates {
		for _, s := range allStrings(load(t, p)) {
			s = strings.NewReplacer("\\\n", " ", "`\n", " ").Replace(s)
			for _, m := range invocation.FindAllStringSubmatch(s, -1) {
				cmd := m[1]
				if !commands[cmd] {
					continue // prose: "put smtpspec on PATH"
				}
				documented := documentedFlags(t, rel.bin, cmd)
				for _, f := range regexp.MustCompile(`(?:^|\s)--?([a-z][a-z-]*)`).FindAllStringSubmatch(m[2], -1) {
					seen[cmd+" --"+f[1]] = true
					if documented[f[1]] || (!landed && pending[cmd+" --"+f[1]]) {
						continue
					}
					t.Errorf("%s: smtpspec %s --%s is not a documented flag (in %q)", p, cmd, f[1], strings.TrimSpace(m[0]))
				}
			}
		}
	}
	keys := sortedKeys(seen)
	sort.Strings(keys)
	for _, want := range []string{"run --site", "run --report", "validate --list-env", "fmt --check"} {
		if !seen[want] {
			t.Errorf("no template uses smtpspec %s (seen: %v)", want, keys)
		}
	}
}

// subcommands are the commands `smtpspec help` lists.
func subcommands(t *testing.T, bin string) map[string]bool {
	t.Helper()
	out, _ := exec.Command(bin, "help").CombinedOutput()
	cmds := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z]+)\s{2,}`).FindAllStringSubmatch(string(out), -1) {
		cmds[m[1]] = true
	}
	if !cmds["run"] || !cmds["validate"] {
		t.Fatalf("smtpspec help lists no commands:\n%s", out)
	}
	return cmds
}

// TestNoExpressionInScripts: GitHub ${{ }} and Azure ${{ }} / $( ) are
// never pasted into a script's text, where a site name or a secret would
// become code; scripts read environment variables.
func TestNoExpressionInScripts(t *testing.T) {
	for _, p := range templates {
		for _, s := range scripts(load(t, p)) {
			if strings.Contains(s, "${{") || regexp.MustCompile(`\$\([A-Z][A-Za-z.]*\)`).MatchString(s) {
				t.Errorf("%s: a script holds an expression:\n%s", p, s)
			}
		}
	}
}

// scripts are the values of run:, bash:, powershell:, script: keys.
func scripts(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "run", "bash", "powershell", "script", "before_script":
				out = append(out, allStrings(e)...)
			default:
				out = append(out, scripts(e)...)
			}
		}
	case []any:
		for _, e := range x {
			out = append(out, scripts(e)...)
		}
	}
	return out
}

func TestGitHubActionsTemplate(t *testing.T) {
	doc := load(t, "github/smtpspec.yml")
	on := get(t, doc, "on").(map[string]any)
	for _, trig := range []string{"push", "pull_request", "workflow_dispatch", "schedule"} {
		if _, ok := on[trig]; !ok {
			t.Errorf("no %s trigger", trig)
		}
	}
	specsJob := get(t, doc, "jobs", "specs").(map[string]any)
	if specsJob["runs-on"] != "ubuntu-latest" {
		t.Errorf("the specs job runs on %v, want a GitHub-hosted runner", specsJob["runs-on"])
	}
	job := get(t, doc, "jobs", "site").(map[string]any)
	cond := job["if"].(string)
	for _, want := range []string{"github.event_name != 'pull_request'", "github.event.repository.default_branch"} {
		if !strings.Contains(cond, want) {
			t.Errorf("site job if %q lacks %q: pull requests must never reach a site runner", cond, want)
		}
	}
	if get(t, job, "strategy", "matrix") != "${{ fromJSON(needs.specs.outputs.matrix) }}" {
		t.Error("the matrix must come from the specs job's site list")
	}
	if get(t, job, "strategy", "fail-fast") != false {
		t.Error("fail-fast must be false: one site's failure must not cancel the others")
	}
	runsOn := get(t, job, "runs-on").([]any)
	if runsOn[0] != "self-hosted" || runsOn[1] != "smtpspec-${{ matrix.site }}" {
		t.Errorf("runs-on = %v, want a self-hosted runner labelled per site", runsOn)
	}
	if job["environment"] != "${{ matrix.site }}" {
		t.Error("each site job must use the site's GitHub environment (its secrets)")
	}
	bash, ps := findStep(t, job, "probe ${{ matrix.site }} (bash)"), findStep(t, job, "probe ${{ matrix.site }} (PowerShell)")
	if toString(bash["env"]) != toString(ps["env"]) || len(bash["env"].(map[string]any)) != 17 {
		t.Errorf("the bash and PowerShell probes must read the same 8 slots and SITE")
	}
	if ps["shell"] != "powershell" || !strings.Contains(ps["run"].(string), "exit $LASTEXITCODE") {
		t.Error("the PowerShell probe must run in Windows PowerShell and pass smtpspec's exit code on")
	}
	var uploads string
	for _, s := range job["steps"].([]any) {
		if uses, _ := s.(map[string]any)["uses"].(string); strings.HasPrefix(uses, "actions/upload-artifact") {
			uploads += get(t, s, "with", "path").(string) + "\n"
		}
	}
	if !strings.Contains(uploads, "golden/*.golden.new") || !strings.Contains(uploads, "reports/") {
		t.Errorf("uploads %q: want reports and pending goldens", uploads)
	}
}

func TestGitLabTemplate(t *testing.T) {
	doc := load(t, "gitlab/.gitlab-ci.yml")
	site := get(t, doc, ".smtpspec-site").(map[string]any)
	if get(t, site, "artifacts", "reports", "junit") != "reports/$SITE.xml" || get(t, site, "artifacts", "when") != "always" {
		t.Error("site jobs must keep the JUnit report as artifacts:reports:junit, always")
	}
	if paths := toString(get(t, site, "artifacts", "paths")); !strings.Contains(paths, "golden/*.golden.new") {
		t.Errorf("artifacts paths %s lack the pending goldens", paths)
	}
	for _, j := range []string{"smtpspec-plan", "smtpspec-sites"} {
		rules := toString(get(t, doc, j, "rules"))
		if !strings.Contains(rules, `$CI_COMMIT_REF_PROTECTED == \"true\"`) || !strings.Contains(rules, "merge_request_event") {
			t.Errorf("%s rules %s: site jobs run only on protected refs, never for merge requests", j, rules)
		}
	}
	if toString(get(t, doc, "smtpspec-lint", "rules")) == "" {
		t.Error("the lint job needs rules (merge requests, default branch)")
	}
	if get(t, doc, "smtpspec-sites", "trigger", "strategy") != "depend" {
		t.Error("the child pipeline's result must be the parent's (strategy: depend)")
	}
	for _, k := range []string{".smtpspec-site-linux", ".smtpspec-site-windows"} {
		if get(t, doc, k, "extends") != ".smtpspec-site" {
			t.Errorf("%s must extend .smtpspec-site", k)
		}
	}
}

func TestAzurePipelinesTemplate(t *testing.T) {
	doc := load(t, "azure/azure-pipelines.yml")
	jobs := get(t, doc, "jobs").([]any)
	if get(t, jobs[0], "pool", "vmImage") != "ubuntu-latest" {
		t.Error("the lint job runs on a Microsoft-hosted agent")
	}
	gate := jobs[1].(map[string]any)
	inner, ok := gate["${{ if ne(variables['Build.Reason'], 'PullRequest') }}"].([]any)
	if !ok {
		t.Fatalf("site jobs must be left out of pull request builds: %v", sortedKeys(gate))
	}
	job := get(t, inner, 0, "${{ each site in parameters.sites }}", 0).(map[string]any)
	if get(t, job, "pool", "name") != "smtpspec-${{ site.name }}" {
		t.Errorf("pool = %v, want the site's agent pool", job["pool"])
	}
	if toString(job["variables"]) != `[{"group":"smtpspec-${{ site.name }}"}]` {
		t.Errorf("variables = %v, want the site's variable group", job["variables"])
	}
	var tasks []string
	for _, s := range job["steps"].([]any) {
		step := s.(map[string]any)
		if env, ok := step["env"].(map[string]any); ok && step["displayName"] != nil &&
			strings.HasPrefix(step["displayName"].(string), "probe") {
			if toString(env["${{ each name in site.env }}"]) != `{"${{ name }}":"$(${{ name }})"}` {
				t.Errorf("%s: every variable the site reads must be mapped into the step", step["displayName"])
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
