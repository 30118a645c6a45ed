// Package simtest starts the Microsoft 365 simulator for tests: one call,
// stopped when the test ends.
package simtest

import (
	"net"
	"testing"

	"github.com/smtpspec/smtpspec/sim"
)

// Start serves the scenario called name on loopback until t ends and
// returns the server (for its CA) and its address.
func Start(t testing.TB, name string, opts sim.Options) (*sim.Server, *net.TCPAddr) {
	t.Helper()
	sc, err := sim.Find(name)
	if err != nil {
		t.Fatal(err)
	}
	return StartScenario(t, sc, opts)
}

// StartScenario is Start for a scenario value (a test may adjust one).
func StartScenario(t testing.TB, sc *sim.Scenario, opts sim.Options) (*sim.Server, *net.TCPAddr) {
	t.Helper()
	srv, addr, err := sim.Listen(sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, addr
}
