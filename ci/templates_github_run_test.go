package ci

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// ghJob runs a GitHub Actions job's bash steps as a runner does: the
// workflow's env, the step's env with its ${{ }} expressions evaluated
// for this job's matrix entry and secret store, GITHUB_PATH, GITHUB_OUTPUT
// and GITHUB_STEP_SUMMARY files read back between steps.
type ghJob struct {
	sh      shell
	matrix  map[string]any
	secrets map[string]string // the job's environment's secrets
	files   string            // RUNNER_TEMP and the GITHUB_* files
	outputs map[string]string
}

func newGHJob(t *testing.T, repo string, wfEnv map[string]string, matrix map[string]any, secrets map[string]string) *ghJob {
	t.Helper()
	tmp := t.TempDir()
	env := map[string]string{
		"CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_OS": "Linux", "RUNNER_TEMP": tmp,
		"HOME": filepath.Join(tmp, "home"), "GITHUB_WORKSPACE": repo,
		"GITHUB_PATH": filepath.Join(tmp, "path"), "GITHUB_OUTPUT": filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary"),
	}
	for k, v := range wfEnv {
		env[k] = v
	}
	return &ghJob{sh: shell{dir: repo, env: env, opts: []string{"-eo", "pipefail"}},
		matrix: matrix, secrets: secrets, files: tmp, outputs: map[string]string{}}
}

// step runs the bash step whose name starts with name; extra is added to
// its environment (what a runner's machine has besides the job's env).
func (j *ghJob) step(t *testing.T, job map[string]any, name string, extra map[string]string) (string, int) {
	t.Helper()
	st := findStep(t, job, name)
	if st["shell"] != "bash" {
		t.Fatalf("step %q: shell %v, want bash", name, st["shell"])
	}
	env := map[string]string{}
	for k, v := range extra {
		env[k] = v
	}
	if m, ok := st["env"].(map[string]any); ok {
		for k, v := range m {
			env[k] = j.eval(t, toString(v))
		}
	}
	out, code := j.sh.run(t, st["run"].(string), env)
	j.readBack(t)
	return out, code
}

func (j *ghJob) readBack(t *testing.T) {
	if b, err := os.ReadFile(j.sh.env["GITHUB_PATH"]); err == nil {
		j.sh.prepend = nil
		lines := strings.Fields(string(b))
		for i := len(lines) - 1; i >= 0; i-- { // the last one added comes first
			j.sh.prepend = append(j.sh.prepend, lines[i])
		}
	}
	if b, err := os.ReadFile(j.sh.env["GITHUB_OUTPUT"]); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				j.outputs[k] = v
			}
		}
	}
}

var (
	ghExpr   = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	ghMatrix = regexp.MustCompile(`^matrix\.(\w+)(?:\[(\d+)\])?$`)
	ghSecret = regexp.MustCompile(`^secrets\[matrix\.env\[(\d+)\]\] \|\| vars\[matrix\.env\[(\d+)\]\]$`)
)

// eval evaluates the expressions the template's step envs use; any other
// expression fails the test, so the template cannot grow one untested.
func (j *ghJob) eval(t *testing.T, s string) string {
	t.Helper()
	return ghExpr.ReplaceAllStringFunc(s, func(e string) string {
		inner := ghExpr.FindStringSubmatch(e)[1]
		if m := ghMatrix.FindStringSubmatch(inner); m != nil {
			return j.matrixValue(m[1], m[2])
		}
		if m := ghSecret.FindStringSubmatch(inner); m != nil && m[1] == m[2] {
			return j.secrets[j.matrixValue("env", m[1])]
		}
		t.Fatalf("expression %q is not one the test knows how to evaluate", inner)
		return ""
	})
}

func (j *ghJob) matrixValue(key, index string) string {
	v := j.matrix[key]
	if index == "" {
		return toString(v)
	}
	i, _ := strconv.Atoi(index)
	if l, ok := v.([]any); ok && i < len(l) {
		return toString(l[i])
	}
	return "" // an index past the end is null, which GitHub renders as ""
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func findStep(t *testing.T, job map[string]any, prefix string) map[string]any {
	t.Helper()
	for _, s := range job["steps"].([]any) {
		st := s.(map[string]any)
		if n, _ := st["name"].(string); strings.HasPrefix(n, prefix) {
			return st
		}
	}
	t.Fatalf("no step named %q", prefix)
	return nil
}

func strMap(v any) map[string]string {
	out := map[string]string{}
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			out[k] = toString(x)
		}
	}
	return out
}
