package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/syncbuf"
)

// startServe runs `smtpspec serve` in-process on a free port and returns
// its base URL, its stderr and a stop function that returns the exit code.
func startServe(t *testing.T, getenv func(string) string, args ...string) (string, *syncbuf.Buffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncbuf.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0", "--shutdown-grace", "1s"}, args...), getenv, strings.NewReader(""), io.Discard, &stderr)
	}()
	re := regexp.MustCompile(`listening on (http://\S+)`)
	for range 500 {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			stop := func() int { cancel(); return <-code }
			t.Cleanup(func() { cancel() })
			return m[1], &stderr, stop
		}
		select {
		case c := <-code:
			t.Fatalf("serve exited %d: %s", c, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start: %s", stderr.String())
	return "", nil, nil
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeCommand drives `smtpspec serve` as a user would: two sites
// with their own secrets, scraped, a bad edit rejected on reload, then
// stopped.
func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	okAddr, okCA := startScenario(t, "submission-ok")
	banAddr, banCA := startScenario(t, "banned-ip")
	writeSpec(t, dir, "submission-ok", "submission", okAddr, okCA, "starttls", loginAuth)
	writeSpec(t, dir, "banned-ip", "direct_send", banAddr, banCA, "starttls", "")
	getenv := testGetenv(map[string]string{"SCANNER_PASSWORD": "Serve-Cmd-Secret-1", "SMTPSPEC_CACHE_DIR": t.TempDir()})
	base, stderr, stop := startServe(t, getenv, "--golden", filepath.Join(dir, "golden"), dir)

	_, body := httpGet(t, base+"/probe?target=submission-ok")
	if !strings.Contains(body, "probe_success 1") {
		t.Errorf("submission-ok:\n%s", body)
	}
	_, body = httpGet(t, base+"/probe?target=banned-ip")
	if !strings.Contains(body, "probe_success 0") || !strings.Contains(body, `category="reputation"`) {
		t.Errorf("banned-ip:\n%s", body)
	}
	if code, body := httpGet(t, base+"/probe?target=elsewhere"); code != 400 || !strings.Contains(body, "banned-ip") {
		t.Errorf("unknown target: %d %s", code, body)
	}
	if err := os.WriteFile(filepath.Join(dir, "typo.hcl"), []byte("site \"typo\" {\n  methd = \"relay\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(base+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 {
		t.Errorf("reload of a bad spec: HTTP %d", resp.StatusCode)
	}
	if _, page := httpGet(t, base+"/"); !strings.Contains(page, "typo.hcl") {
		t.Errorf("landing page does not show the bad spec")
	}
	if _, body := httpGet(t, base+"/probe?target=submission-ok"); !strings.Contains(body, "probe_success 1") {
		t.Errorf("the last good set is not served after a bad reload")
	}
	if code := stop(); code != exitOK {
		t.Errorf("serve exited %d", code)
	}
	out := stderr.String()
	for _, w := range []string{"serving 2 sites", "reload failed, still serving the 2 sites", "stopped"} {
		if !strings.Contains(out, w) {
			t.Errorf("stderr lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "Serve-Cmd-Secret-1") {
		t.Error("stderr holds the secret")
	}
}

func TestServeRefusesBadSpecsAtStart(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.hcl"), []byte("site \"x\" {\n  method = \"fax\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr syncbuf.Buffer
	code := run(context.Background(), []string{"serve", "--listen", "127.0.0.1:0", dir}, testGetenv(nil), strings.NewReader(""), io.Discard, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "bad.hcl") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
	}
}
