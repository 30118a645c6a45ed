package ci

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestInstallRefusesTamperedRelease runs the install step (the same script
// in every template: TestInstallScriptsAreOne) against a mirror whose
// files were changed: nothing is installed and the step says why. Then it
// shows the cache at work: with the mirror gone, a verified archive from
// an earlier run is used.
func TestInstallRefusesTamperedRelease(t *testing.T) {
	rel := testRelease(t)
	doc := load(t, "github/smtpspec.yml")
	specsJob := get(t, doc, "jobs", "specs").(map[string]any)
	archive := "smtpspec_" + rel.version + "_linux_" + runtime.GOARCH + ".tar.gz"

	tampered := t.TempDir()
	for _, f := range []string{"SHA256SUMS", archive} {
		copyFile(t, filepath.Join(rel.dir, f), filepath.Join(tampered, f))
	}
	f, err := os.OpenFile(filepath.Join(tampered, archive), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("one more byte")
	f.Close()
	good, bad := serveRelease(t, rel.dir), serveRelease(t, tampered)

	for _, tc := range []struct {
		name, base, sums, want string
	}{
		{"tampered archive", bad, rel.sums, "checksum mismatch for " + bad + "/" + archive},
		{"SHA256SUMS not the pinned one", good, strings.Repeat("ab", 32), "checksum mismatch for " + good + "/SHA256SUMS"},
		{"placeholder pin", good, strings.Repeat("0", 64), "SMTPSPEC_SUMS_SHA256 is the template's placeholder"},
		{"no such release", good + "/nope", rel.sums, "download of " + good + "/nope/SHA256SUMS failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := pinned(strMap(doc["env"]), rel, tc.base)
			env["SMTPSPEC_SUMS_SHA256"] = tc.sums
			job := newGHJob(t, t.TempDir(), env, nil, nil)
			out, code := job.step(t, specsJob, "install smtpspec", nil)
			if code == 0 || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, output:\n%s\nwant a failure saying %q", code, out, tc.want)
			}
			bins, _ := filepath.Glob(filepath.Join(job.sh.env["HOME"], ".cache", "smtpspec-release", "*", "bin", "smtpspec"))
			if len(bins) != 0 || len(job.sh.prepend) != 0 {
				t.Errorf("a refused release was installed: %v, PATH += %v", bins, job.sh.prepend)
			}
		})
	}

	t.Run("cached release without the mirror", func(t *testing.T) {
		env := pinned(strMap(doc["env"]), rel, good)
		job := newGHJob(t, t.TempDir(), env, nil, nil)
		mustStep(t, job, specsJob, "install smtpspec")
		job.sh.env["SMTPSPEC_BASE_URL"] = good + "/gone"
		out := mustStep(t, job, specsJob, "install smtpspec")
		if !strings.Contains(out, "smtpspec v"+rel.version) {
			t.Errorf("second install printed %q, want the version", out)
		}
		// A cached archive that changed on disk is not trusted: it is fetched
		// again, and with the mirror gone the step fails.
		cached := filepath.Join(job.sh.env["HOME"], ".cache", "smtpspec-release", rel.version, archive)
		if err := os.WriteFile(cached, []byte("not the archive"), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, code := job.step(t, specsJob, "install smtpspec", nil); code == 0 {
			t.Errorf("a changed cached archive was used:\n%s", out)
		}
	})
}
