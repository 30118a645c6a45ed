package ci

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
)

// release is a set of release files as ci/release/build.sh writes them.
type release struct {
	dir     string // holds SHA256SUMS and the archives
	version string // without the leading v, as in the archive names
	sums    string // sha256 of SHA256SUMS: what a template pins
	bin     string // the unpacked smtpspec for this machine
}

var (
	releaseOnce sync.Once
	testRel     release
	releaseErr  error
	scratch     string // removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if scratch != "" {
		os.RemoveAll(scratch)
	}
	os.Exit(code)
}

// testRelease is the release the template tests download: the one in
// $SMTPSPEC_RELEASE_DIR (.ci/run sets it to what ci/release/build.sh
// built), else a release of this machine's platform only, built once
// with the same packer.
func testRelease(t *testing.T) release {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the templates' Linux steps run on Linux")
	}
	releaseOnce.Do(func() {
		if d := os.Getenv("SMTPSPEC_RELEASE_DIR"); d != "" {
			testRel, releaseErr = readRelease(d)
			return
		}
		testRel, releaseErr = buildRelease()
	})
	if releaseErr != nil {
		t.Fatal(releaseErr)
	}
	return testRel
}

var archiveName = regexp.MustCompile(`^smtpspec_(.+)_` + runtime.GOOS + `_` + runtime.GOARCH + `\.tar\.gz$`)

func readRelease(dir string) (release, error) {
	sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		return release{}, fmt.Errorf("SMTPSPEC_RELEASE_DIR: %w", err)
	}
	r := release{dir: dir, sums: sha256hex(sums), bin: filepath.Join(dir, "bin", runtime.GOOS+"_"+runtime.GOARCH, "smtpspec")}
	for _, l := range strings.Split(string(sums), "\n") {
		if f := strings.Fields(l); len(f) == 2 {
			if m := archiveName.FindStringSubmatch(f[1]); m != nil {
				r.version = m[1]
			}
		}
	}
	if r.version == "" {
		return release{}, fmt.Errorf("%s/SHA256SUMS lists no archive for %s/%s", dir, runtime.GOOS, runtime.GOARCH)
	}
	return r, nil
}

func buildRelease() (release, error) {
	var err error
	if scratch, err = os.MkdirTemp("", "smtpspec-templates-"); err != nil {
		return release{}, err
	}
	dir := filepath.Join(scratch, "release")
	bin := filepath.Join(dir, "bin", "smtpspec")
	build := exec.Command("go", "build", "-trimpath", "-o", bin,
		"-ldflags", "-X main.version=v0.0.0-test -X main.commit=0123456789ab", "../cmd/smtpspec")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	name := "smtpspec_0.0.0-test_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"
	pack := exec.Command("go", "run", "./release/pack", "-mtime", "1764763200", "-o", filepath.Join(dir, name), bin+"=smtpspec")
	for _, c := range []*exec.Cmd{build, pack} {
		if out, err := c.CombinedOutput(); err != nil {
			return release{}, fmt.Errorf("%v: %v\n%s", c.Args, err, out)
		}
	}
	archive, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return release{}, err
	}
	sums := []byte(sha256hex(archive) + "  " + name + "\n")
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), sums, 0o644); err != nil {
		return release{}, err
	}
	return release{dir: dir, version: "0.0.0-test", sums: sha256hex(sums), bin: bin}, nil
}

func sha256hex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// serveRelease serves dir on loopback, as a mirror or GitHub's release
// downloads would, and returns the base URL a template is given.
func serveRelease(t *testing.T, dir string) string {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv.URL
}

// secrets of the MSP repository's sites, distinct so a leak is traceable.
var mspSecrets = map[string]string{
	"HQ_MFP_SMTP_PASSWORD":  "hq-Secret-9f1c!pw",
	"SHOP_CONTROL_PASSWORD": "shop-Control-27ab$pw",
}

// siteSecrets is what each site's CI secret store holds.
var siteSecrets = map[string][]string{
	"hq-mfp":    {"HQ_MFP_SMTP_PASSWORD"},
	"shop-ds":   {"SHOP_CONTROL_PASSWORD"},
	"branch-ds": nil,
}

// mspRepo lays out an MSP's repository (testdata/msp: three sites, two
// with a secret of their own) pointed at simulators on loopback, with the
// goldens recorded the way a user records them before the first commit.
func mspRepo(t *testing.T, rel release) string {
	t.Helper()
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	_, sub := simtest.Start(t, "submission-ok", sim.Options{CA: ca})
	_, ds := simtest.Start(t, "directsend-ok", sim.Options{CA: ca})
	repo := t.TempDir()
	specs := filepath.Join(repo, "specs")
	if err := os.MkdirAll(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(specs, "sim-ca.pem"), ca.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	ports := strings.NewReplacer("SUBMISSION_PORT", strconv.Itoa(sub.Port), "DIRECTSEND_PORT", strconv.Itoa(ds.Port))
	for _, f := range []string{"hq.hcl", "shop.hcl", "branch.hcl"} {
		b, err := os.ReadFile(filepath.Join("testdata", "msp", "specs", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(specs, f), []byte(ports.Replace(string(b))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	for k, v := range mspSecrets {
		env = append(env, k+"="+v)
	}
	cmd := exec.Command(rel.bin, "run", "specs/", "--update")
	cmd.Dir, cmd.Env = repo, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("recording the goldens: %v\n%s", err, out)
	}
	return repo
}

// hasFlag says whether `smtpspec CMD -h` documents -flag.
func hasFlag(t *testing.T, bin, cmd, flag string) bool {
	t.Helper()
	return documentedFlags(t, bin, cmd)[flag]
}

var flagLine = regexp.MustCompile(`(?m)^\s+-([a-z][a-z0-9-]*)`)

// documentedFlags runs `smtpspec CMD -h` and returns the flags it lists
// (stdout or stderr: the help moves to stdout with issue 13's reports work).
func documentedFlags(t *testing.T, bin, cmd string) map[string]bool {
	t.Helper()
	var out bytes.Buffer
	c := exec.Command(bin, cmd, "-h")
	c.Stdout, c.Stderr = &out, &out
	c.Run() // -h exits 0 or 2 depending on the version; the text is what counts
	flags := map[string]bool{}
	for _, m := range flagLine.FindAllStringSubmatch(out.String(), -1) {
		flags[m[1]] = true
	}
	if cmd != "version" && !strings.Contains(out.String(), "usage: smtpspec "+cmd) { // version takes no flags
		t.Fatalf("smtpspec %s -h prints no usage:\n%s", cmd, out.String())
	}
	return flags
}

// workflowLanded says whether the binary has issue 13's per-site secrets
// work (i13-workflow): `validate --list-env`, validate without secrets,
// `run --site X` reading only X's secrets. Until it lands, the steps that
// need it are not run and every site's secrets are in every job's
// environment; once it lands, both are asserted, with no switch to flip.
func workflowLanded(t *testing.T, bin string) bool {
	t.Helper()
	ok := hasFlag(t, bin, "validate", "list-env")
	if !ok {
		t.Log("smtpspec validate has no --list-env yet (i13-workflow): the list-env and no-secret steps are not run, and each job also holds the other sites' secrets")
	}
	return ok
}
