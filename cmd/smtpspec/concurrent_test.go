package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentUpdatesShareAGoldenFolder: several `run --update` at once
// on one golden folder (two CI jobs, or a developer and a job) leave
// whole goldens, the same bytes a lone run writes, and no temporary file.
func TestConcurrentUpdatesShareAGoldenFolder(t *testing.T) {
	dir := t.TempDir()
	addr, ca := startScenario(t, "directsend-ok")
	spec := writeSpec(t, dir, "directsend-ok", "direct_send", addr, ca, "starttls", "")
	getenv := testGetenv(map[string]string{"HOME": dir})
	lone := filepath.Join(dir, "lone")
	if code, out, errs := runCLI(t, getenv, "run", "--golden", lone, "--update", spec); code != exitOK {
		t.Fatalf("lone run: exit %d\n%s%s", code, out, errs)
	}
	want := mustRead(t, filepath.Join(lone, "directsend-ok.golden"))

	shared := filepath.Join(dir, "shared")
	const runs = 6
	var wg sync.WaitGroup
	codes := make([]int, runs)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = runCLI(t, getenv, "run", "--golden", shared, "--update", spec)
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != exitOK {
			t.Errorf("run %d: exit %d", i, c)
		}
	}
	if got := mustRead(t, filepath.Join(shared, "directsend-ok.golden")); got != want {
		t.Errorf("golden after concurrent updates differs from a lone run's:\n%s\nwant:\n%s", got, want)
	}
	entries, err := os.ReadDir(shared)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
