// Package promtest starts Debian's Prometheus, promtool and
// blackbox_exporter for tests, on loopback ports with temporary storage,
// and queries Prometheus' HTTP API. A test that needs them skips with the
// install command when they are absent, and fails under CI (as
// internal/mta.Need does for Postfix).
package promtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Binaries, by the names Debian's packages install.
const (
	Prometheus = "prometheus"
	Promtool   = "promtool"
	Blackbox   = "prometheus-blackbox-exporter"
)

const installHint = "apt-get install -y prometheus prometheus-blackbox-exporter (as root)"

// Need stops the test unless the named binaries are on PATH: it skips
// locally and fails under CI, where a missing package is a broken CI
// script. It returns their paths.
func Need(t testing.TB, bins ...string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	var missing []string
	for _, b := range bins {
		p, err := exec.LookPath(b)
		if err != nil {
			missing = append(missing, b)
			continue
		}
		paths[b] = p
	}
	if len(missing) == 0 {
		return paths
	}
	why := "this test needs " + strings.Join(missing, ", ") + ": " + installHint
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI is set: this test must not skip)", why)
	}
	t.Skip(why)
	return nil
}

// FreeAddr returns a loopback address with a port free right now
// (Prometheus cannot listen on port 0 and say which port it got).
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Start runs bin with args until the test ends, its output in a log file
// kept for failures, waits until GET ready (a URL) answers 200 and returns
// the process id (benchmarks read its CPU time and memory).
func Start(t testing.TB, bin string, ready string, args ...string) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log, err := os.Create(filepath.Join(t.TempDir(), filepath.Base(bin)+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			t.Logf("%s output:\n%s", bin, tail(string(b), 4000))
		}
		log.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(ready); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd.Process.Pid
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := os.ReadFile(log.Name())
	t.Fatalf("%s did not become ready at %s:\n%s", bin, ready, tail(string(b), 4000))
	return 0
}

// StartPrometheus runs Prometheus with the configuration file given (its
// relative paths resolve beside it) and returns its base URL.
func StartPrometheus(t testing.TB, bin, config string) string {
	t.Helper()
	addr := FreeAddr(t)
	base := "http://" + addr
	Start(t, bin, base+"/-/ready",
		"--config.file="+config,
		"--storage.tsdb.path="+t.TempDir(),
		"--web.listen-address="+addr,
		"--web.enable-lifecycle",
		"--log.level=warn")
	return base
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// Sample is one series of an instant query's answer.
type Sample struct {
	Metric map[string]string
	Value  float64
}

// Query runs an instant PromQL query and returns its samples (vector or
// scalar answers), or the API's error.
func Query(base, expr string) ([]Sample, error) {
	var data struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := api(base, expr, &data); err != nil {
		return nil, err
	}
	return decode(data.ResultType, data.Result)
}

// api runs expr through /api/v1/query and decodes the answer's data.
func api(base, expr string, data any) error {
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(expr))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out := struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   any    `json:"data"`
	}{Data: data}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return fmt.Errorf("query %q: %w", expr, err)
	}
	if out.Status != "success" {
		return fmt.Errorf("query %q: %s", expr, out.Error)
	}
	return nil
}

func decode(kind string, raw json.RawMessage) ([]Sample, error) {
	type point [2]any
	var series []struct {
		Metric map[string]string `json:"metric"`
		Value  point             `json:"value"`
	}
	switch kind {
	case "vector":
		if err := json.Unmarshal(raw, &series); err != nil {
			return nil, err
		}
	case "scalar":
		var p point
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		series = append(series, struct {
			Metric map[string]string `json:"metric"`
			Value  point             `json:"value"`
		}{Value: p})
	default:
		return nil, fmt.Errorf("result type %s", kind)
	}
	out := make([]Sample, len(series))
	for i, s := range series {
		v, _ := s.Value[1].(string)
		var f float64
		if _, err := fmt.Sscan(v, &f); err != nil && v != "NaN" {
			return nil, fmt.Errorf("value %q: %w", v, err)
		}
		out[i] = Sample{Metric: s.Metric, Value: f}
	}
	return out, nil
}

// Eventually queries expr until ok accepts the samples or the wait ends
// (bounded: scrapes take a few intervals to arrive).
func Eventually(t testing.TB, base, expr string, wait time.Duration, ok func([]Sample) bool) []Sample {
	t.Helper()
	deadline := time.Now().Add(wait)
	var last []Sample
	var err error
	for time.Now().Before(deadline) {
		last, err = Query(base, expr)
		if err == nil && ok(last) {
			return last
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s: not as expected within %s: %v %v", expr, wait, last, err)
	return nil
}

// Point is one stored sample.
type Point struct {
	T int64 // milliseconds since the epoch, as Prometheus stamps a scrape
	V float64
}

// Series returns the raw samples of a range selector ("name{...}[10m]"),
// keyed by the instance label.
func Series(base, selector string) (map[string][]Point, error) {
	var data struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		} `json:"result"`
	}
	if err := api(base, selector, &data); err != nil {
		return nil, err
	}
	m := map[string][]Point{}
	for _, s := range data.Result {
		for _, v := range s.Values {
			ts, _ := v[0].(float64)
			str, _ := v[1].(string)
			var f float64
			fmt.Sscan(str, &f)
			m[s.Metric["instance"]] = append(m[s.Metric["instance"]], Point{T: int64(ts*1000 + 0.5), V: f})
		}
	}
	return m, nil
}
