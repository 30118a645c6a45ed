//go:build latency || fleet || monitor

package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
)

// startSimulators starts one simulator per scenario named (a name given
// twice starts once), all signed by one new CA that it writes to
// dir/sim-ca.pem and sets in opts. It returns each scenario's address and
// the CA file, which the harnesses' specs name as ca_file.
func startSimulators(t *testing.T, dir string, scenarios []string, opts sim.Options) (map[string]string, string) {
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, "sim-ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	opts.CA = ca
	addrs := map[string]string{}
	for _, name := range scenarios {
		if addrs[name] != "" {
			continue
		}
		sc, err := sim.Find(name)
		if err != nil {
			t.Fatal(err)
		}
		_, addr := simtest.StartScenario(t, sc, opts)
		addrs[name] = addr.String()
	}
	return addrs, caFile
}
