package capture

import (
	"crypto/tls"
	"strings"
	"testing"
)

// TestPredict: Microsoft 365's side of a hello, from its documented rules.
func TestPredict(t *testing.T) {
	cases := []struct {
		name     string
		persona  Persona
		versions []uint16
		suites   []uint16
		ok       bool
		likely   bool
		suite    string
		why      string
	}{
		{"modern", Submission, []uint16{tls.VersionTLS13, tls.VersionTLS12}, []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384},
			true, false, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS 1.3"},
		{"server order wins", Submission, []uint16{tls.VersionTLS12}, []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
			true, false, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "first suite"},
		{"rsa gcm only", Submission, []uint16{tls.VersionTLS12}, []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_128_CBC_SHA},
			true, true, "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA"},
		{"rsa cbc and 3des", Submission, []uint16{tls.VersionTLS12}, []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA},
			false, false, "", "3DES"},
		{"tls 1.1 on submission", Submission, []uint16{tls.VersionTLS11}, []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA},
			false, false, "", "421 4.7.66"},
		{"tls 1.0 on the mx", MX, []uint16{tls.VersionTLS10}, []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA},
			false, false, "", "January 2021"},
		{"tls 1.3 only", Submission, []uint16{tls.VersionTLS13}, []uint16{tls.TLS_AES_256_GCM_SHA384},
			true, true, "", "TLS 1.3"},
	}
	for _, tc := range cases {
		n := predict(&Hello{versions: tc.versions, suites: tc.suites}, tc.persona)
		if n.OK != tc.ok || n.Likely != tc.likely || n.CipherSuite != tc.suite || !strings.Contains(n.Why, tc.why) {
			t.Errorf("%s: got %+v", tc.name, n)
		}
	}
}

func TestAllSuitesIncludeLegacy(t *testing.T) {
	have := map[uint16]bool{}
	for _, id := range allSuites() {
		have[id] = true
	}
	for _, id := range []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, tls.TLS_RSA_WITH_RC4_128_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256} {
		if !have[id] {
			t.Errorf("%s missing: an old device could not complete its handshake", tls.CipherSuiteName(id))
		}
	}
}

// TestLegacyHandshakesComplete: a Go client limited to what old devices
// offer (TLS 1.0 with 3DES, RSA key exchange, RC4) completes its
// handshake with the capture, without GODEBUG.
func TestLegacyHandshakesComplete(t *testing.T) {
	for _, suite := range []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_RC4_128_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA} {
		s := start(t, Options{})
		rc := dial(t, s)
		rc.reply()
		rc.say("EHLO legacy")
		rc.say("STARTTLS")
		tc := tls.Client(rc.c, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10, CipherSuites: []uint16{suite}})
		err := tc.Handshake()
		tc.Close()
		rep := s.report(t)
		if err != nil {
			t.Errorf("%s: %v", tls.CipherSuiteName(suite), err)
			continue
		}
		if got := rep.Connections[0].TLS; got.CipherSuite != tls.CipherSuiteName(suite) || got.Version != "TLS 1.0" {
			t.Errorf("%s: recorded %s %s", tls.CipherSuiteName(suite), got.Version, got.CipherSuite)
		}
	}
}
