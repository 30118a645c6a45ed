package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
)

// TestRSAKeyExchangeOnly: a device without elliptic-curve support
// (ProbeOptions.RSAKeyExchangeOnly) completes TLS 1.2 with a TLS_RSA suite
// where the simulator still offers them, and fails the handshake where it
// offers only ECDHE ones, as the forecast plays tls-rsa-suites-removed.
func TestRSAKeyExchangeOnly(t *testing.T) {
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	var example *specs.Site
	for _, e := range exampleSites(t) {
		if e.Name == "submission-ok" {
			example = e
		}
	}
	for _, offered := range []bool{true, false} {
		sc, _ := sim.Find("submission-ok")
		sc.TLSRSA = offered
		_, addr := simtest.StartScenario(t, sc, sim.Options{CA: ca})
		s := *example
		s.Endpoint.Host, s.Endpoint.ServerName, s.Endpoint.Port = "127.0.0.1", "localhost", addr.Port
		tr := Probe(context.Background(), &s, ProbeOptions{RootCAs: ca.Pool(), RSAKeyExchangeOnly: true})
		tlsStage := tr.Stage("tls")
		switch {
		case offered && (tlsStage.Status != "pass" || tr.TLS == nil || !strings.HasPrefix(tr.TLS.CipherSuite, "TLS_RSA_") || tr.TLS.Version != "TLS1.2"):
			t.Errorf("offered: tls %s %+v", tlsStage.Status, tr.TLS)
		case !offered && tlsStage.Status != "fail":
			t.Errorf("not offered: tls stage %s, want fail", tlsStage.Status)
		}
	}
}
