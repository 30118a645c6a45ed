//go:build monitor

package bench

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/smtpspec/smtpspec/internal/promtest"
)

// The monitoring benchmarks (run by sidebyside.sh and soak.sh): `smtpspec
// serve` beside blackbox_exporter, and `smtpspec serve` scraped by a real
// Prometheus for a bounded soak. Helpers shared by both.

// startServe runs the smtpspec binary's `serve` on a free loopback port
// for specDir and returns its address and process id.
func startServe(t *testing.T, dir, specDir string, extra ...string) (string, int) {
	t.Helper()
	if *binFlag == "" {
		t.Fatal("-smtpspec BINARY is required (the scripts build it)")
	}
	addr := promtest.FreeAddr(t)
	for _, kv := range benchEnv(dir) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v) // promtest.Start's child inherits the environment
	}
	args := append([]string{"serve", "--listen", addr, "--golden", filepath.Join(dir, "golden")}, extra...)
	pid := promtest.Start(t, *binFlag, "http://"+addr+"/-/healthy", append(args, specDir)...)
	return addr, pid
}

// procCPU is the CPU time the process's threads have run so far, in
// nanoseconds from the scheduler (/proc/PID/task/*/schedstat), not in the
// 10 ms ticks of /proc/PID/stat: a probe costs a few milliseconds.
// (Go threads do not exit, so no thread's time is lost.)
func procCPU(t *testing.T, pid int) time.Duration {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		t.Fatalf("no schedstat for %d: %v", pid, err)
	}
	var total time.Duration
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // a thread that ended meanwhile
		}
		ns, _ := strconv.ParseInt(strings.Fields(string(b))[0], 10, 64)
		total += time.Duration(ns)
	}
	return total
}

// procRSS is the process's resident memory in bytes.
func procRSS(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(l)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// procFDs counts the process's open file descriptors.
func procFDs(t *testing.T, pid int) int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// get fetches url with a scrape timeout and returns the body and the
// wall time of the request.
func get(t *testing.T, url string, timeout time.Duration) (string, time.Duration) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(timeout.Seconds(), 'f', -1, 64))
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	wall := time.Since(start)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v\n%s", url, resp.StatusCode, err, b)
	}
	return string(b), wall
}

// families parses a Prometheus text answer.
func families(t *testing.T, body string) map[string]*dto.MetricFamily {
	mfs, err := promtest.Parse(body)
	if err != nil {
		t.Fatalf("not Prometheus text: %v\n%s", err, body)
	}
	return mfs
}

// gauge is promtest.Value.
var gauge = promtest.Value
