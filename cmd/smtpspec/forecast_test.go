package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/forecast"
)

// forecastCmd runs `smtpspec forecast args...` in-process.
func forecastCmd(t *testing.T, ctx context.Context, getenv func(string) string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var out, errb bytes.Buffer
	code = run(ctx, append([]string{"forecast"}, args...), getenv, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// fleetDir copies forecast/testdata/fleet (customer folders of specs, a
// certificate, no key) to a temporary folder, as an MSP's specs/ would be.
func fleetDir(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "specs")
	src := filepath.Join("..", "..", "forecast", "testdata", "fleet")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestForecastUsage(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--change", "basic-auth-off"}, `unknown change "basic-auth-off"; the changes are: ` + strings.Join(forecast.ChangeIDs(), ", ")},
		{[]string{"--assume", "trust-g2=yes"}, `unknown fact "trust-g2"`},
		{[]string{"--assume", "domain-added=last year"}, "YYYY-MM-DD"},
		{[]string{"--format", "junit"}, `unknown --format "junit" (human, json, markdown, html)`},
		{[]string{"--parallel", "0"}, "--parallel must be at least 1"},
		{[]string{filepath.Join(t.TempDir(), "nothing-here")}, "Spec path not found"},
	} {
		code, stdout, stderr := forecastCmd(t, ctx, nil, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	code, stdout, _ := forecastCmd(t, ctx, nil, "--list")
	if code != exitOK || !regexp.MustCompile(`basic-auth-default-off +end of December 2026 +yes`).MatchString(stdout) {
		t.Errorf("--list: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = forecastCmd(t, ctx, nil, "-h")
	if code != exitOK || !strings.Contains(stdout, "--change") || !strings.Contains(stdout, "exit codes:") {
		t.Errorf("-h: exit %d\n%s", code, stdout)
	}
}

// TestForecastFleetLikeAnMSP: customer folders, secrets not set (a
// laptop), the board as HTML into a file, JSON for a dashboard; exit 1
// because sites break; nothing on stdout when --out is given.
func TestForecastFleetLikeAnMSP(t *testing.T) {
	dir := fleetDir(t)
	board := filepath.Join(t.TempDir(), "board.html")
	code, stdout, stderr := forecastCmd(t, context.Background(), nil, dir, "--format", "html", "--out", board)
	if code != exitFail || stdout != "" {
		t.Fatalf("exit %d (want 1: sites break), stdout %q\n%s", code, stdout, stderr)
	}
	page := mustRead(t, board)
	for _, want := range []string{"Microsoft 365 change forecast", "contoso-hq-login", "northwind", "basic-auth-default-off"} {
		if !strings.Contains(page, want) {
			t.Errorf("board lacks %q", want)
		}
	}
	code, stdout, _ = forecastCmd(t, context.Background(), nil, "--format", "json", "--change", "basic-auth-default-off", dir)
	var doc forecast.JSONForecast
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || code != exitFail {
		t.Fatalf("exit %d, json: %v", code, err)
	}
	if len(doc.Changes) != 1 || doc.Changes[0].ID != "basic-auth-default-off" {
		t.Errorf("--change: %v", doc.Changes)
	}
	for _, s := range doc.Sites {
		if len(s.Changes) != 1 {
			t.Errorf("%s: %d cells", s.Name, len(s.Changes))
		}
		if s.Name == "contoso-hq-login" && s.Changes["basic-auth-default-off"].Outcome != forecast.Breaks {
			t.Errorf("contoso-hq-login: %+v", s.Changes)
		}
		if s.Customer == "" {
			t.Errorf("%s: no customer (folder or attribute)", s.Name)
		}
	}
}

// TestForecastExitOK: a fleet that survives the change forecast exits 0.
func TestForecastExitOK(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "oauth.hcl"), []byte(`site "oauth" {
  method = "submission"
  endpoint { host = "smtp.office365.com" }
  client { auth_mechanisms = ["XOAUTH2"] }
  auth {
    mechanism = "XOAUTH2"
    username  = "scanner@contoso.com"
    token     = env("SCANNER_TOKEN")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["office@contoso.com"]
  }
}
`), 0o644)
	code, stdout, stderr := forecastCmd(t, context.Background(), nil, "--change", "basic-auth-default-off", "--change", "basic-auth-removed", dir)
	if code != exitOK || !strings.Contains(stdout, "survive every change: oauth") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestForecastOutUnwritable: a forecast that cannot be written is a
// clear error, exit 2, leaves no partial file, and is not lost: it is on
// stdout instead.
func TestForecastOutUnwritable(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "board") // a file where --out wants a folder: fails as root too
	os.WriteFile(notDir, []byte("x"), 0o644)
	code, stdout, stderr := forecastCmd(t, context.Background(), nil, "--change", "reject-direct-send", "--format", "markdown",
		"--out", filepath.Join(notDir, "board.md"), fleetDir(t))
	entries, _ := os.ReadDir(dir)
	if code != exitUsage || !strings.Contains(stderr, "not written (any previous one is unchanged)") ||
		!strings.Contains(stderr, "it is on stdout instead") || !strings.HasPrefix(stdout, "# Microsoft 365 change forecast") || len(entries) != 1 {
		t.Errorf("exit %d, %d entries left\n%s", code, len(entries), stderr)
	}
}

// TestForecastInterrupted: a forecast cancelled by SIGINT exits 130 and
// still writes what it has, saying it was interrupted.
func TestForecastInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(interrupt{os.Interrupt})
	out := filepath.Join(t.TempDir(), "f.json")
	code, _, stderr := forecastCmd(t, ctx, nil, "--format", "json", "--out", out, fleetDir(t))
	if code != exitInterruptSIGINT {
		t.Fatalf("exit %d, want 130\n%s", code, stderr)
	}
	var doc forecast.JSONForecast
	if err := json.Unmarshal([]byte(mustRead(t, out)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Run == nil || doc.Run.Interrupted != "SIGINT" || doc.Sites[0].Today.Status != "interrupted" {
		t.Errorf("interrupted forecast: %+v %+v", doc.Run, doc.Sites[0].Today)
	}
}
