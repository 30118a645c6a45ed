//go:build fleet

package bench

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/sim"
)

// The fleet benchmark (run by fleet.sh): N generated site specs against
// simulators on loopback, `smtpspec validate`, `smtpspec run --update`
// (records N goldens) and `smtpspec run` (compares N goldens), each
// reported with wall time, CPU time and peak memory of the smtpspec
// process; and the binary's start-up time.
var (
	sitesFlag    = flag.Int("sites", 1000, "sites to generate")
	parallelFlag = flag.Int("parallel", 64, "smtpspec run --parallel")
)

// fleetKind is one kind of generated site: a simulator scenario and the
// spec body that probes it (with what it expects), so that every site
// passes and the compare run must exit 0.
type fleetKind struct {
	scenario string
	body     string // after method; %s is the endpoint block
}

var fleetKinds = []fleetKind{
	{"submission-ok", `method = "submission"
  %s
  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("BENCH_PASSWORD")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }`},
	{"submission-ok", `method = "submission"
  %s
  auth {
    mechanism = "XOAUTH2"
    username  = "scanner@contoso.com"
    token     = env("BENCH_TOKEN")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com", "it@contoso.com"]
  }`},
	{"directsend-ok", `method = "direct_send"
  %s
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }`},
	{"relay-ok", `method = "relay"
  %s
  envelope {
    from = "scanner@contoso.com"
    to   = ["orders@fabrikam.example"]
  }`},
	{"banned-ip", `method = "direct_send"
  %s
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
  expect "rcpt" {
    code     = 550
    enhanced = "5.7.606"
  }`},
	{"submission-bad-credentials", `method = "submission"
  %s
  auth {
    mechanism = "LOGIN"
    username  = "scanner-{{site}}@contoso.com"
    password  = env("BENCH_PASSWORD")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
  expect "auth" {
    code = 535
  }`},
}

func TestFleet(t *testing.T) {
	if *binFlag == "" {
		t.Fatal("-smtpspec BINARY is required (fleet.sh builds and passes it)")
	}
	dir := t.TempDir()
	specDir, goldenDir := filepath.Join(dir, "specs"), filepath.Join(dir, "golden")
	for _, d := range []string{specDir, goldenDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	addrs, caFile := fleetSimulators(t, dir)
	for i := range *sitesFlag {
		k := fleetKinds[i%len(fleetKinds)]
		host, port, _ := net.SplitHostPort(addrs[k.scenario])
		endpoint := fmt.Sprintf("endpoint {\n    host = %q\n    port = %s\n    server_name = \"localhost\"\n    ca_file = %q\n  }",
			host, port, caFile)
		// A mailbox per failing site: smtpspec probes the sites that share
		// a mailbox one after the other and, after a refused AUTH, not
		// again for 15 minutes (package authguard).
		body := strings.ReplaceAll(fmt.Sprintf(k.body, endpoint), "{{site}}", fmt.Sprint(i))
		src := fmt.Sprintf("site \"site-%04d\" {\n  %s\n}\n", i, body)
		if err := os.WriteFile(filepath.Join(specDir, fmt.Sprintf("site-%04d.hcl", i)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var out strings.Builder
	fmt.Fprintf(&out, "%d sites, %d simulators on loopback, --parallel %d, %d CPUs\n\n",
		*sitesFlag, len(addrs), *parallelFlag, runtime.NumCPU())
	fmt.Fprintf(&out, "%-34s %9s %9s %10s\n", "command", "wall", "CPU", "peak RSS")
	par := fmt.Sprint(*parallelFlag)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"validate (load + validate)", []string{"validate", specDir}},
		// --force: the bad-credentials sites fail AUTH on every run, by
		// design; without it the second run would skip them (their failures
		// are still recorded, each under the state file's lock).
		{"run --update (probe, write goldens)", []string{"run", "--force", "--parallel", par, "--golden", goldenDir, "--update", specDir}},
		{"run (probe, compare goldens)", []string{"run", "--force", "--parallel", par, "--golden", goldenDir, specDir}},
	} {
		m, err := runMeasured(dir, *binFlag, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		fmt.Fprintf(&out, "%-34s %9s %9s %8.1f MB\n", c.name, m.wall.Round(time.Millisecond), m.cpu.Round(time.Millisecond),
			float64(m.maxRSS)/1024)
	}
	var starts []time.Duration
	for range 21 {
		m, err := runMeasured(dir, *binFlag, "version")
		if err != nil {
			t.Fatal(err)
		}
		starts = append(starts, m.wall)
	}
	slices.Sort(starts)
	fmt.Fprintf(&out, "\nstart-up (smtpspec version, 21 runs): median %s, min %s\n",
		starts[len(starts)/2].Round(100*time.Microsecond), starts[0].Round(100*time.Microsecond))
	fmt.Print(out.String())
	if *outFlag != "" {
		if err := os.WriteFile(*outFlag, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// measured is what the kernel says a child process used.
type measured struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	maxRSS int64         // KiB (Linux ru_maxrss)
}

// runMeasured runs bin and returns its wall time and rusage; a non-zero
// exit is an error carrying the output (every generated site must pass).
// Its cache folder (the AUTH failure state) is dir's.
func runMeasured(dir, bin string, args ...string) (measured, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = benchEnv(dir)
	start := time.Now()
	b, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		tail := string(b)
		if len(tail) > 4000 {
			tail = "..." + tail[len(tail)-4000:]
		}
		return measured{}, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, tail)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return measured{}, errors.New("no rusage on this platform")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return measured{wall: wall, cpu: cpu, maxRSS: ru.Maxrss}, nil
}

// fleetSimulators starts one simulator per scenario of fleetKinds, each
// allowed as many sessions as the run opens at once.
func fleetSimulators(t *testing.T, dir string) (map[string]string, string) {
	var scenarios []string
	for _, k := range fleetKinds {
		scenarios = append(scenarios, k.scenario)
	}
	return startSimulators(t, dir, scenarios, sim.Options{MaxSessions: *parallelFlag + 16})
}
