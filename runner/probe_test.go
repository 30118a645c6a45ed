package runner

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

const (
	testUser     = "scanner@contoso.test"
	testPassword = "Pa55word-For-Test"
	testToken    = "eyJ0eXAiOiJKV1QiLCJub25jZSI6ImFiYyJ9.test-access-token"
)

// testClock is a fixed clock: offsets and durations are zero, so the
// transcript is the same on every run.
var testClock = func() time.Time { return time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC) }

// testSite is a submission site (STARTTLS, AUTH LOGIN) for a test server
// on port, changed by mods.
func testSite(port int, mods ...func(*specs.Site)) *specs.Site {
	s := &specs.Site{
		Name:     "printer",
		Method:   transcript.Submission,
		Endpoint: specs.Endpoint{Host: "127.0.0.1", Port: port, TLS: transcript.StartTLS, ServerName: "localhost"},
		Client:   specs.Client{Helo: "mfp.contoso.test", TLSMin: tls.VersionTLS12},
		Auth: &specs.Auth{Mechanism: "LOGIN", Username: testUser,
			Password: specs.NewSecret("SMTP_PASSWORD", testPassword), Token: specs.NewSecret("SMTP_TOKEN", testToken)},
		Envelope: specs.Envelope{From: testUser, To: []string{"alice@contoso.test"}},
		Timeouts: specs.Timeouts{Connect: 2 * time.Second, Command: 2 * time.Second, Total: 10 * time.Second},
	}
	for _, m := range mods {
		m(s)
	}
	return s
}

// probe runs Probe with the test clock and trust in pki (if any).
func probe(t *testing.T, s *specs.Site, pki *testPKI) *transcript.Transcript {
	t.Helper()
	opts := ProbeOptions{Now: testClock, Token: "smtpspec-0123456789abcdef"}
	if pki != nil {
		opts.RootCAs = pki.pool
	}
	return Probe(context.Background(), s, opts)
}

// lines renders the transcript's lines as "stage C: text".
func lines(tr *transcript.Transcript) []string {
	var out []string
	for _, l := range tr.Lines {
		out = append(out, fmt.Sprintf("%s %c: %s", l.Stage, l.Dir, l.Text))
	}
	return out
}

// stages renders each stage as "name status evidence [note]".
func stages(tr *transcript.Transcript) []string {
	var out []string
	for _, s := range tr.Stages {
		l := string(s.Stage) + " " + string(s.Status)
		if e := s.Evidence(); e != "" {
			l += " " + e
		}
		if s.Note != "" {
			l += " [" + s.Note + "]"
		}
		out = append(out, l)
	}
	return out
}

func TestStageRegistryCoversEveryStage(t *testing.T) {
	for _, name := range transcript.Stages() {
		if stageFuncs[name] == nil {
			t.Errorf("stage %q has no stage function", name)
		}
	}
	if len(stageFuncs) != len(transcript.Stages()) {
		t.Errorf("%d stage functions for %d stages", len(stageFuncs), len(transcript.Stages()))
	}
}

func TestProbeSubmissionStartTLSLogin(t *testing.T) {
	pki := newPKI(t, "localhost", "127.0.0.1")
	d := newSMTPD(pki.server())
	srv := startServer(t, d.serve)
	s := testSite(srv.port, func(s *specs.Site) { s.Endpoint.CAFile = pki.caFile(t) })

	tr := probe(t, s, nil) // trust comes from ca_file alone

	wantLines := []string{
		"banner S: 220 test.local Microsoft ESMTP MAIL Service ready",
		"ehlo C: EHLO mfp.contoso.test",
		"ehlo S: 250-test.local Hello [127.0.0.1]",
		"ehlo S: 250-SIZE 157286400",
		"ehlo S: 250-PIPELINING",
		"ehlo S: 250-STARTTLS",
		"ehlo S: 250 8BITMIME",
		"starttls C: STARTTLS",
		"starttls S: 220 2.0.0 SMTP server ready",
		"ehlo_tls C: EHLO mfp.contoso.test",
		"ehlo_tls S: 250-test.local Hello [127.0.0.1]",
		"ehlo_tls S: 250-SIZE 157286400",
		"ehlo_tls S: 250-AUTH LOGIN XOAUTH2",
		"ehlo_tls S: 250 8BITMIME",
		"auth C: AUTH LOGIN",
		"auth S: 334 VXNlcm5hbWU6",
		"auth C: <redacted>",
		"auth S: 334 UGFzc3dvcmQ6",
		"auth C: <redacted>",
		"auth S: 235 2.7.0 Authentication successful",
		"mail C: MAIL FROM:<scanner@contoso.test>",
		"mail S: 250 2.1.0 Sender OK",
		"rcpt C: RCPT TO:<alice@contoso.test>",
		"rcpt S: 250 2.1.5 Recipient OK",
		"quit C: RSET",
		"quit S: 250 2.0.0 Resetting",
		"quit C: QUIT",
		"quit S: 221 2.0.0 Service closing transmission channel",
	}
	if diff := cmp.Diff(wantLines, lines(tr)); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	wantStages := []string{
		"resolve pass",
		"connect pass",
		"banner pass 220 test.local Microsoft ESMTP MAIL Service ready",
		"ehlo pass 250 test.local Hello [127.0.0.1]",
		"starttls pass 220 2.0.0 SMTP server ready",
		"tls pass",
		"ehlo_tls pass 250 test.local Hello [127.0.0.1]",
		"auth pass 235 2.7.0 Authentication successful",
		"mail pass 250 2.1.0 Sender OK",
		"rcpt pass 250 2.1.5 Recipient OK",
		"quit pass 221 2.0.0 Service closing transmission channel",
	}
	if diff := cmp.Diff(wantStages, stages(tr)); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	if got, want := tr.Stage(transcript.Connect).Addr, fmt.Sprintf("127.0.0.1:%d", srv.port); got != want {
		t.Errorf("connect Addr = %q, want %q", got, want)
	}
	if got, want := tr.Stage(transcript.Auth).Reply.Enhanced, "2.7.0"; got != want {
		t.Errorf("auth Enhanced = %q, want %q", got, want)
	}
	wantHead := transcript.Transcript{Site: "printer", Method: "submission",
		Target: fmt.Sprintf("127.0.0.1:%d", srv.port), Started: testClock(),
		Capabilities:    []string{"SIZE 157286400", "PIPELINING", "STARTTLS", "8BITMIME"},
		CapabilitiesTLS: []string{"SIZE 157286400", "AUTH LOGIN XOAUTH2", "8BITMIME"},
	}
	gotHead := *tr
	gotHead.Lines, gotHead.Stages, gotHead.TLS = nil, nil, nil
	gotHead.Reach = nil // reachability is tested in reach_test.go
	if diff := cmp.Diff(wantHead, gotHead); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
	if tr.TLS == nil {
		t.Fatal("no TLS facts")
	}
	wantTLS := transcript.TLSInfo{Version: "TLS1.3", CipherSuite: tr.TLS.CipherSuite, ServerName: "localhost",
		Verified: true, Subject: "localhost", Issuer: "smtpspec test CA",
		SANs: []string{"localhost", "127.0.0.1"}, NotAfter: pki.notAfter(t), EarliestNotAfter: pki.notAfter(t)}
	if diff := cmp.Diff(wantTLS, *tr.TLS); diff != "" {
		t.Errorf("TLS (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(tr.TLS.CipherSuite, "TLS_") {
		t.Errorf("CipherSuite = %q", tr.TLS.CipherSuite)
	}
	if diff := cmp.Diff([]string{testUser, testPassword}, d.authPayloads()); diff != "" {
		t.Errorf("server decoded (-want +got):\n%s", diff)
	}
}

func TestProbeEnvelopeOutcomes(t *testing.T) {
	tests := []struct {
		name       string
		configure  func(*smtpd)
		site       func(*specs.Site)
		wantStages []string
		wantTail   []string // the transcript's last lines
	}{
		{
			name:      "421 at MAIL ends the session without QUIT",
			configure: func(d *smtpd) { d.reply["MAIL"] = "421 4.3.2 Service not available, closing transmission channel" },
			wantStages: []string{"mail fail 421 4.3.2 Service not available, closing transmission channel",
				"rcpt skip", "quit skip"},
			wantTail: []string{"mail C: MAIL FROM:<scanner@contoso.test>",
				"mail S: 421 4.3.2 Service not available, closing transmission channel"},
		},
		{
			name: "one of two recipients refused: both sent, QUIT only",
			configure: func(d *smtpd) {
				d.rcpt = func(addr string) string {
					if addr == "ghost@contoso.test" {
						return "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
					}
					return "250 2.1.5 Recipient OK"
				}
			},
			site: func(s *specs.Site) { s.Envelope.To = []string{"ghost@contoso.test", "alice@contoso.test"} },
			wantStages: []string{"mail pass 250 2.1.0 Sender OK",
				"rcpt fail 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup [1 of 2 recipients refused]",
				"quit pass 221 2.0.0 Service closing transmission channel"},
			wantTail: []string{
				"rcpt C: RCPT TO:<ghost@contoso.test>",
				"rcpt S: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
				"rcpt C: RCPT TO:<alice@contoso.test>",
				"rcpt S: 250 2.1.5 Recipient OK",
				"quit C: QUIT",
				"quit S: 221 2.0.0 Service closing transmission channel",
			},
		},
		{
			name: "auth refused: middle stages skipped, QUIT only",
			configure: func(d *smtpd) {
				d.reply["AUTH"] = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."
			},
			wantStages: []string{"auth fail 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
				"mail skip", "rcpt skip", "quit pass 221 2.0.0 Service closing transmission channel"},
			wantTail: []string{"auth C: AUTH LOGIN",
				"auth S: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
				"quit C: QUIT", "quit S: 221 2.0.0 Service closing transmission channel"},
		},
		{
			name:      "server closes after QUIT without 221: noted",
			configure: func(d *smtpd) { d.reply["QUIT"] = "" },
			wantStages: []string{"mail pass 250 2.1.0 Sender OK", "rcpt pass 250 2.1.5 Recipient OK",
				"quit pass [server closed the connection without replying 221]"},
			wantTail: []string{"quit C: RSET", "quit S: 250 2.0.0 Resetting", "quit C: QUIT"},
		},
	}
	pki := newPKI(t, "localhost")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newSMTPD(pki.server())
			tt.configure(d)
			srv := startServer(t, d.serve)
			s := testSite(srv.port)
			if tt.site != nil {
				tt.site(s)
			}
			tr := probe(t, s, pki)
			got := stages(tr)
			got = got[len(got)-len(tt.wantStages):]
			if diff := cmp.Diff(tt.wantStages, got); diff != "" {
				t.Errorf("stages (-want +got):\n%s", diff)
			}
			gotLines := lines(tr)
			if len(gotLines) < len(tt.wantTail) {
				t.Fatalf("only %d lines: %q", len(gotLines), gotLines)
			}
			if diff := cmp.Diff(tt.wantTail, gotLines[len(gotLines)-len(tt.wantTail):]); diff != "" {
				t.Errorf("last lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProbeGreetingFailures(t *testing.T) {
	tests := []struct {
		name   string
		script func(p *peer)
		want   []string // stages from banner on, up to and with quit
	}{
		{
			name: "554 banner: the connection still carries QUIT",
			script: func(p *peer) {
				d := newSMTPD(nil)
				d.banner = "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using Spamhaus"
				d.serve(p)
			},
			want: []string{"banner fail 554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using Spamhaus",
				"ehlo skip", "mail skip", "rcpt skip", "quit pass 221 2.0.0 Service closing transmission channel"},
		},
		{
			name: "421 banner ends the session",
			script: func(p *peer) {
				d := newSMTPD(nil)
				d.banner = "421 4.3.2 Service not available"
				d.serve(p)
			},
			want: []string{"banner fail 421 4.3.2 Service not available", "ehlo skip", "mail skip", "rcpt skip", "quit skip"},
		},
		{
			name: "closed after the banner",
			script: func(p *peer) {
				p.send("220 ready")
				p.line()
			},
			want: []string{"banner pass 220 ready", "ehlo fail closed: connection closed by 127.0.0.1:PORT",
				"mail skip", "rcpt skip", "quit skip"},
		},
		{
			name: "reset after the banner",
			script: func(p *peer) {
				p.send("220 ready")
				p.line()
				_ = p.conn.(*net.TCPConn).SetLinger(0) // close with RST
			},
			want: []string{"banner pass 220 ready", "ehlo fail reset: connection reset by 127.0.0.1:PORT",
				"mail skip", "rcpt skip", "quit skip"},
		},
		{
			name: "bare LF and control bytes",
			script: func(p *peer) {
				p.raw([]byte("220 \x00\x07ready\n"))
				newSMTPD(nil).dialogue(p)
			},
			want: []string{`banner pass 220 \x00\x07ready [server ended a line with a bare LF]`,
				"ehlo pass 250 test.local Hello [127.0.0.1]", "mail pass 250 2.1.0 Sender OK",
				"rcpt pass 250 2.1.5 Recipient OK", "quit pass 221 2.0.0 Service closing transmission channel"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.script)
			tr := probe(t, testSite(srv.port, func(s *specs.Site) { s.Endpoint.TLS, s.Auth = transcript.NoTLS, nil }), nil)
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = strings.ReplaceAll(w, "PORT", itoa(srv.port))
			}
			if diff := cmp.Diff(want, stages(tr)[2:]); diff != "" {
				t.Errorf("stages (-want +got):\n%s", diff)
			}
		})
	}
}
