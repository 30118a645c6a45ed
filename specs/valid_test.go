package specs

import (
	"crypto/tls"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/reputation"
	"github.com/smtpspec/smtpspec/transcript"
)

func pos(file string, line int) checks.Pos {
	return checks.Pos{File: "testdata/valid/" + file, Line: line, Column: 3}
}

var defaultTimeouts = Timeouts{Connect: DefaultConnect, Command: DefaultCommand, Total: DefaultTotal}

// defaultClient is what an absent client block means.
var defaultClient = Client{
	Helo: DefaultHelo, TLSMin: tls.VersionTLS12, TLSMax: tls.VersionTLS13,
	AuthMechanisms: []transcript.Mechanism{"LOGIN", "PLAIN", "XOAUTH2"}, Pipelining: true, Greeting: GreetingEHLO,
}

// defaultReputation is what an absent reputation block means: on for the
// port-25 methods, with the default lookups and lists.
func defaultReputation(m transcript.Method) Reputation {
	return Reputation{
		Enabled: m == transcript.DirectSend || m == transcript.Relay,
		Lookups: reputation.DefaultLookups, DNSBL: reputation.DefaultDNSBL, SPF: true,
	}
}

// TestValid decodes each testdata/valid spec and compares the Sites.
func TestValid(t *testing.T) {
	tests := []struct {
		file string
		want []*Site
	}{
		{"submission.hcl", []*Site{{
			Name:   "hq-mfp-3f",
			Method: transcript.Submission,
			Endpoint: Endpoint{Host: "smtp.office365.com", Port: 587, TLS: transcript.StartTLS,
				ServerName: "smtp.office365.com"},
			Client: Client{Helo: "mfp-3f.contoso.local", TLSMin: tls.VersionTLS12, TLSMax: tls.VersionTLS13,
				AuthMechanisms: []transcript.Mechanism{"LOGIN", "XOAUTH2"}, Pipelining: true, Greeting: GreetingEHLO},
			Auth: &Auth{Mechanism: "LOGIN", Username: "scanner@contoso.com",
				Password: NewSecret("SCANNER_PASSWORD", testPassword)},
			Envelope: Envelope{From: "scanner@contoso.com",
				To: []string{"frontdesk@contoso.com", "it@contoso.com"}, SendMessage: true},
			Timeouts: Timeouts{Connect: 5 * time.Second, Command: 10 * time.Second, Total: time.Minute},
			Expect: map[transcript.Stage]*checks.Expect{
				"ehlo_tls": {Stage: "ehlo_tls", Capabilities: []string{"AUTH", "SIZE"}, Pos: pos("submission.hcl", 37)},
				"tls":      {Stage: "tls", VersionMin: "1.2", CertDaysMin: 30, Pos: pos("submission.hcl", 41)},
				"auth":     {Stage: "auth", Code: 235, Enhanced: "2.7.0", Pos: pos("submission.hcl", 46)},
				"data": {Stage: "data", Code: 250, Text: regexp.MustCompile("Queued mail for delivery"),
					Pos: pos("submission.hcl", 51)},
			},
		}}},
		{"direct_send.hcl", []*Site{{
			Name:     "warehouse-mfp",
			Method:   transcript.DirectSend,
			Endpoint: Endpoint{MXDomain: "contoso.com", Port: 25, TLS: transcript.StartTLS},
			Client:   defaultClient,
			Envelope: Envelope{From: "scanner@contoso.com", To: []string{"frontdesk@contoso.com"}},
			Timeouts: defaultTimeouts,
			Expect: map[transcript.Stage]*checks.Expect{
				"rcpt": {Stage: "rcpt", Code: 550, Enhanced: "5.7.606",
					Text: regexp.MustCompile("banned sending IP"), Pos: pos("direct_send.hcl", 14)},
			},
		}}},
		{"relay.hcl", []*Site{{
			Name:   "relay.plain",
			Method: transcript.Relay,
			Endpoint: Endpoint{Host: "contoso-com.mail.protection.outlook.com", Port: 25, TLS: transcript.NoTLS,
				ServerName: "contoso-com.mail.protection.outlook.com"},
			Client: Client{Helo: "printer.contoso.local", TLSMin: tls.VersionTLS12, TLSMax: tls.VersionTLS13,
				AuthMechanisms: []transcript.Mechanism{"LOGIN", "PLAIN", "XOAUTH2"}, Pipelining: true, Greeting: GreetingEHLO},
			Envelope: Envelope{From: "noreply@contoso.com", To: []string{"someone@fabrikam.example"}},
			Timeouts: defaultTimeouts,
			Expect: map[transcript.Stage]*checks.Expect{
				"connect": {Stage: "connect", Error: transcript.KindTimeout,
					Text: regexp.MustCompile("i/o timeout"), Pos: pos("relay.hcl", 19)},
			},
		}, {
			Name:   "lab_implicit",
			Method: transcript.Relay,
			Endpoint: Endpoint{Host: "127.0.0.1", Port: 2465, TLS: transcript.Implicit,
				ServerName: "sim.smtpspec.test", CAFile: "testdata/valid/ca.pem"},
			Client: Client{Helo: DefaultHelo, TLSMin: tls.VersionTLS13, TLSMax: tls.VersionTLS13,
				AuthMechanisms: []transcript.Mechanism{"LOGIN", "PLAIN", "XOAUTH2"}, Pipelining: true, Greeting: GreetingEHLO},
			Envelope: Envelope{From: "lab@contoso.com", To: []string{"lab@contoso.com"}},
			Timeouts: defaultTimeouts,
			Expect: map[transcript.Stage]*checks.Expect{
				"ehlo": {Stage: "ehlo", Capabilities: []string{"PIPELINING"}, Pos: pos("relay.hcl", 45)},
			},
		}}},
		{"xoauth2.hcl", []*Site{{
			Name:   "branch-7",
			Method: transcript.Submission,
			Endpoint: Endpoint{Host: "smtp.office365.com", Port: 587, TLS: transcript.StartTLS,
				ServerName: "smtp.office365.com"},
			Client: Client{Helo: "mfp-7.contoso.local", TLSMin: tls.VersionTLS12, TLSMax: tls.VersionTLS12,
				AuthMechanisms: []transcript.Mechanism{"XOAUTH2", "LOGIN"}, Greeting: GreetingEHLO},
			Auth: &Auth{Mechanism: "XOAUTH2", Username: "scanner@contoso.com",
				Token: NewSecret("SCANNER_TOKEN", testToken)},
			Envelope: Envelope{From: "scanner@contoso.com",
				To: []string{"frontdesk@contoso.com", "IT@CONTOSO.COM"}},
			Timeouts: Timeouts{Connect: DefaultConnect, Command: DefaultCommand, Total: 90 * time.Second},
			Expect: map[transcript.Stage]*checks.Expect{
				"auth": {Stage: "auth", Code: 535, Enhanced: "5.7.139",
					Text: regexp.MustCompile("(?i)basic authentication is disabled"), Pos: pos("xoauth2.hcl", 31)},
			},
		}}},
		{"helo.hcl", []*Site{{
			Name:   "old-mfp",
			Method: transcript.Submission,
			Endpoint: Endpoint{Host: "smtp.office365.com", Port: 587, TLS: transcript.StartTLS,
				ServerName: "smtp.office365.com"},
			Client: Client{Helo: "old-mfp.contoso.local", TLSMin: tls.VersionTLS12, TLSMax: tls.VersionTLS13,
				AuthMechanisms: []transcript.Mechanism{"LOGIN", "PLAIN", "XOAUTH2"}, Pipelining: true, Greeting: GreetingHELO},
			Auth: &Auth{Mechanism: "LOGIN", Username: "scanner@contoso.com",
				Password: NewSecret("SCANNER_PASSWORD", testPassword)},
			Envelope: Envelope{From: "scanner@contoso.com", To: []string{"frontdesk@contoso.com"}},
			Timeouts: defaultTimeouts,
			Expect: map[transcript.Stage]*checks.Expect{
				"mail": {Stage: "mail", Code: 451, Enhanced: "5.7.3", Pos: pos("helo.hcl", 20)},
			},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			l := NewLoader(testEnv())
			got, diags := l.LoadPaths("testdata/valid/" + tt.file)
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics:\n%s", render(t, l, diags))
			}
			for _, w := range tt.want {
				if !w.Reputation.Explicit && w.Reputation.DNSBL == nil {
					w.Reputation = defaultReputation(w.Method)
				}
			}
			if diff := cmp.Diff(tt.want, got, siteOpts); diff != "" {
				t.Errorf("sites differ (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDeclRange: the site header range is kept for messages and CI
// annotations.
func TestDeclRange(t *testing.T) {
	sites, diags := NewLoader(testEnv()).LoadPaths("testdata/valid/relay.hcl")
	if diags.HasErrors() || len(sites) != 2 {
		t.Fatalf("load: %d sites, %v", len(sites), diags)
	}
	r := sites[1].DeclRange
	if r.Filename != "testdata/valid/relay.hcl" || r.Start.Line != 25 || r.Start.Column != 1 {
		t.Errorf("DeclRange = %s, want testdata/valid/relay.hcl:25,1", r)
	}
}
