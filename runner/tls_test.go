package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

func TestProbeTLSVersions(t *testing.T) {
	pki := newPKI(t, "localhost")
	tests := []struct {
		name                   string
		serverMin, serverMax   uint16
		clientMin, clientMax   uint16
		wantVersion, wantError string // one of them
	}{
		{name: "device limited to TLS 1.1 against a TLS 1.2+ server",
			serverMin: tls.VersionTLS12, clientMin: tls.VersionTLS10, clientMax: tls.VersionTLS11,
			wantError: "tls: remote error: tls: protocol version not supported"},
		{name: "device limited to TLS 1.1 really speaks 1.1",
			serverMin: tls.VersionTLS10, serverMax: tls.VersionTLS12, clientMin: tls.VersionTLS11, clientMax: tls.VersionTLS11,
			wantVersion: "TLS1.1"},
		{name: "device limited to TLS 1.0",
			serverMin: tls.VersionTLS10, clientMin: tls.VersionTLS10, clientMax: tls.VersionTLS10,
			wantVersion: "TLS1.0"},
		{name: "TLS 1.2 only", serverMin: tls.VersionTLS12, clientMin: tls.VersionTLS12, clientMax: tls.VersionTLS12,
			wantVersion: "TLS1.2"},
		{name: "server default, device default", wantVersion: "TLS1.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := pki.server()
			cfg.MinVersion, cfg.MaxVersion = tt.serverMin, tt.serverMax
			srv := startServer(t, newSMTPD(cfg).serve)
			s := testSite(srv.port, func(s *specs.Site) { s.Client.TLSMin, s.Client.TLSMax = tt.clientMin, tt.clientMax })
			tr := probe(t, s, pki)
			st := tr.Stage(transcript.TLS)
			if tt.wantError != "" {
				if st.Status != transcript.Fail || st.Err == nil || st.Err.Error() != tt.wantError {
					t.Fatalf("tls = %s %s, want %s", st.Status, st.Evidence(), tt.wantError)
				}
				for _, name := range []transcript.Stage{transcript.EHLOTLS, transcript.Auth, transcript.Quit} {
					if got := tr.Stage(name).Status; got != transcript.Skip {
						t.Errorf("%s = %s after a TLS failure, want skip", name, got)
					}
				}
				return
			}
			if st.Status != transcript.Pass {
				t.Fatalf("tls = %s %s", st.Status, st.Evidence())
			}
			if tr.TLS.Version != tt.wantVersion {
				t.Errorf("version = %s, want %s", tr.TLS.Version, tt.wantVersion)
			}
			if tt.wantVersion < "TLS1.2" && !strings.HasSuffix(tr.TLS.CipherSuite, "_CBC_SHA") {
				t.Errorf("cipher suite %s for %s, want a CBC-SHA suite", tr.TLS.CipherSuite, tt.wantVersion)
			}
			if got := tr.Stage(transcript.Quit).Status; got != transcript.Pass {
				t.Errorf("quit = %s", got)
			}
		})
	}
}

func TestTLSConfigOffersLegacySuitesBelowTLS12(t *testing.T) {
	tc := &tlsCheck{name: "localhost"}
	if cfg := tc.config(tls.VersionTLS12, 0); cfg.CipherSuites != nil {
		t.Errorf("TLS 1.2+: suites %v, want Go's defaults", cfg.CipherSuites)
	}
	cfg := tc.config(tls.VersionTLS10, tls.VersionTLS11)
	for _, id := range legacyCipherSuites {
		if !slices.Contains(cfg.CipherSuites, id) {
			t.Errorf("TLS 1.0: %s not offered", tls.CipherSuiteName(id))
		}
	}
	if cfg.MinVersion != tls.VersionTLS10 || cfg.MaxVersion != tls.VersionTLS11 {
		t.Errorf("versions %x..%x", cfg.MinVersion, cfg.MaxVersion)
	}
}

func TestProbeCertificateFailuresRecordFacts(t *testing.T) {
	pki := newPKI(t, "localhost", "127.0.0.1")
	untrusted := &testPKI{pool: x509.NewCertPool()}
	tests := []struct {
		name       string
		trust      *testPKI
		serverName string
		wantErr    string
		reason     transcript.Reason
	}{
		{"untrusted issuer", untrusted, "localhost", "tls: x509: certificate signed by unknown authority", transcript.Certificate | transcript.UnknownAuthority},
		{"wrong name", pki, "smtp.office365.test", "tls: x509: certificate is valid for localhost, not smtp.office365.test", transcript.Certificate | transcript.WrongName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, newSMTPD(pki.server()).serve)
			tr := probe(t, testSite(srv.port, func(s *specs.Site) { s.Endpoint.ServerName = tt.serverName }), tt.trust)
			st := tr.Stage(transcript.TLS)
			if st.Status != transcript.Fail || st.Err == nil || st.Err.Error() != tt.wantErr {
				t.Fatalf("tls = %s %q, want %q", st.Status, st.Evidence(), tt.wantErr)
			}
			if st.Err.Reason != tt.reason {
				t.Errorf("tls failure reason %b, want %b", st.Err.Reason, tt.reason)
			}
			if tr.TLS == nil {
				t.Fatal("no TLS facts recorded")
			}
			want := transcript.TLSInfo{Version: "TLS1.3", CipherSuite: tr.TLS.CipherSuite, ServerName: tt.serverName,
				VerifyError: strings.TrimPrefix(tt.wantErr, "tls: "), VerifyReason: tt.reason, Subject: "localhost", Issuer: "smtpspec test CA",
				SANs: []string{"localhost", "127.0.0.1"}, NotAfter: pki.notAfter(t), EarliestNotAfter: pki.notAfter(t)}
			if diff := cmp.Diff(want, *tr.TLS); diff != "" {
				t.Errorf("TLS facts (-want +got):\n%s", diff)
			}
			if got := tr.Stage(transcript.Quit).Status; got != transcript.Skip {
				t.Errorf("quit = %s after a TLS failure, want skip", got)
			}
		})
	}
}

func TestProbeMissingCAFile(t *testing.T) {
	pki := newPKI(t, "localhost")
	srv := startServer(t, newSMTPD(pki.server()).serve)
	tr := probe(t, testSite(srv.port, func(s *specs.Site) { s.Endpoint.CAFile = t.TempDir() + "/missing.pem" }), pki)
	st := tr.Stage(transcript.TLS)
	if st.Err == nil || st.Err.Kind != transcript.KindTLS || !strings.HasPrefix(st.Err.Text, "reading ca_file: ") {
		t.Errorf("tls = %s %s, want a ca_file error", st.Status, st.Evidence())
	}
}

func TestProbeImplicitTLS(t *testing.T) {
	pki := newPKI(t, "localhost")
	d := newSMTPD(nil)
	d.ehlo = []string{"250-test.local Hello", "250-AUTH LOGIN", "250 SIZE 1000"}
	srv := startServer(t, func(p *peer) {
		if p.startTLS(pki.server()) {
			d.serve(p)
		}
	})
	tr := probe(t, testSite(srv.port, func(s *specs.Site) { s.Endpoint.TLS = transcript.Implicit }), pki)
	want := []string{"resolve pass", "connect pass", "tls pass",
		"banner pass 220 test.local Microsoft ESMTP MAIL Service ready",
		"ehlo pass 250 test.local Hello",
		"auth pass 235 2.7.0 Authentication successful",
		"mail pass 250 2.1.0 Sender OK", "rcpt pass 250 2.1.5 Recipient OK",
		"quit pass 221 2.0.0 Service closing transmission channel"}
	if diff := cmp.Diff(want, stages(tr)); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	wantCaps := transcript.Capabilities{"AUTH LOGIN", "SIZE 1000"}
	if !cmp.Equal(tr.Capabilities, wantCaps) || !cmp.Equal(tr.CapabilitiesTLS, wantCaps) {
		t.Errorf("capabilities %q / TLS %q, want %q for both", tr.Capabilities, tr.CapabilitiesTLS, wantCaps)
	}
}

func TestProbeSTARTTLSRefusals(t *testing.T) {
	pki := newPKI(t, "localhost")
	tests := []struct {
		name   string
		script func(p *peer)
		want   []string // stages from starttls on
	}{
		{
			name: "not advertised, sent anyway, refused",
			script: func(p *peer) {
				d := newSMTPD(nil)
				d.ehlo = []string{"250-test.local Hello", "250 SIZE 1000"}
				d.reply["STARTTLS"] = "500 5.3.3 Unrecognized command"
				d.serve(p)
			},
			want: []string{"starttls fail 500 5.3.3 Unrecognized command [STARTTLS not advertised]",
				"tls skip", "ehlo_tls skip", "auth skip", "mail skip", "rcpt skip",
				"quit pass 221 2.0.0 Service closing transmission channel"},
		},
		{
			name: "bytes injected after the STARTTLS reply are discarded and noted",
			script: func(p *peer) {
				p.send("220 ready", "250-hi", "250 STARTTLS")
				p.line()                                                // EHLO
				p.line()                                                // STARTTLS
				p.raw([]byte("220 2.0.0 go ahead\r\n250 injected\r\n")) // one write: both arrive together
				if p.startTLS(pki.server()) {
					newSMTPD(nil).dialogue(p)
				}
			},
			want: []string{"starttls pass 220 2.0.0 go ahead",
				"tls pass [server sent 14 bytes after its STARTTLS reply, before TLS; discarded]",
				"ehlo_tls pass 250 test.local Hello [127.0.0.1]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.script)
			tr := probe(t, testSite(srv.port), pki)
			got := stages(tr)[4:]
			if len(got) > len(tt.want) {
				got = got[:len(tt.want)]
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("stages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProbeCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tr := Probe(ctx, testSite(refusedPort(t)), ProbeOptions{Now: testClock})
	if tr.Interrupted != transcript.Resolve || len(tr.Lines) > 0 {
		t.Errorf("interrupted at %q with %d lines, want at the first stage with none", tr.Interrupted, len(tr.Lines))
	}
	for _, st := range tr.Stages {
		if st.Status != transcript.Skip {
			t.Errorf("%s = %s %s, want skip: nothing runs in a cancelled probe", st.Stage, st.Status, st.Evidence())
		}
	}
}
