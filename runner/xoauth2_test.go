package runner

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/oauth/tokenserver"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

const (
	oauthUser   = "scanner@contoso.com"
	oauthSecret = "client-secret-value~0123456789abcdef"
)

// startSim serves sc on loopback for the test and returns its port and CA.
func startSim(t *testing.T, sc *sim.Scenario, opts sim.Options) (int, *sim.CA) {
	t.Helper()
	srv, addr := simtest.StartScenario(t, sc, opts)
	return addr.Port, srv.CA()
}

func scenario(t *testing.T, name string) *sim.Scenario {
	t.Helper()
	sc, err := sim.Find(name)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// oauthSite is a submission site that gets its XOAUTH2 token from the
// test's token endpoint.
func oauthSite(port int, tokenURL, tenant string) *specs.Site {
	return testSite(port, func(s *specs.Site) {
		s.Client.Helo = "mfp.contoso.com"
		s.Auth = &specs.Auth{Mechanism: "XOAUTH2", Username: oauthUser, OAuth: &specs.OAuth{
			TenantID: tenant, ClientID: tokenserver.App, ClientSecret: specs.NewSecret("APP_SECRET", oauthSecret),
			Scope: specs.DefaultOAuthScope, TokenURL: tokenURL}}
		s.Envelope = specs.Envelope{From: oauthUser, To: []string{"frontdesk@contoso.com"}}
	})
}

func runSite(t *testing.T, s *specs.Site, ca *sim.CA) *Result {
	t.Helper()
	return RunSite(context.Background(), s, Options{Golden: golden.Store{Dir: t.TempDir()},
		Probe: ProbeOptions{RootCAs: ca.Pool()}})
}

func findingIDs(v diagnosis.Verdict) []string {
	var ids []string
	for _, f := range v.Findings {
		ids = append(ids, f.ID)
	}
	return ids
}

// TestXOAUTH2SelfCheck gets a token with chosen claims from a loopback
// token endpoint, sends it to the simulator, and checks both the
// self-check's finding and Exchange Online's (the simulator's) answer.
func TestXOAUTH2SelfCheck(t *testing.T) {
	now := time.Now()
	otherTenant := "11111111-2222-3333-4444-555555555555"
	cases := []struct {
		name     string
		claims   tokenserver.Claims
		tenant   string // the spec's tenant_id
		secret   string // what the app sends; "" = the right one
		wantAuth string // AUTH stage: reply code, or error kind
		want     string // the finding, "" for none
	}{
		{"app-only ok", tokenserver.AppOnly(now), tokenserver.Tenant, "", "235", ""},
		{"delegated ok", tokenserver.Delegated(now, oauthUser), tokenserver.Tenant, "", "235", ""},
		{"graph audience", tokenserver.AppOnly(now).With("aud", "https://graph.microsoft.com"), tokenserver.Tenant, "", "535", "token-audience"},
		{"no SMTP.SendAsApp", tokenserver.AppOnly(now).With("roles", []string{"Mail.Send"}), tokenserver.Tenant, "", "535", "token-role"},
		{"no SMTP.Send", tokenserver.Delegated(now, oauthUser).With("scp", "Mail.Read"), tokenserver.Tenant, "", "535", "token-scope"},
		{"expired", tokenserver.AppOnly(now).With("exp", now.Add(-10*time.Minute).Unix()), tokenserver.Tenant, "", "535", "token-expired"},
		{"other tenant", tokenserver.AppOnly(now), otherTenant, "", "235", "token-tenant"},
		{"other user", tokenserver.Delegated(now, "admin@contoso.com"), tokenserver.Tenant, "", "535", "token-user"},
		{"wrong secret", tokenserver.AppOnly(now), tokenserver.Tenant, "the-secret-id-not-its-value", "token", "token-request"},
	}
	port, ca := startSim(t, scenario(t, "submission-ok"), sim.Options{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			token := tokenserver.Mint(tc.claims)
			ts := tokenserver.NewServer(tokenserver.App, oauthSecret, token)
			defer ts.Close()
			s := oauthSite(port, ts.TokenURL(), tc.tenant)
			if tc.secret != "" {
				s.Auth.OAuth.ClientSecret = specs.NewSecret("APP_SECRET", tc.secret)
				ts.ClientSecret = oauthSecret
			}
			r := runSite(t, s, ca)
			auth := r.Transcript.Stage(transcript.Auth)
			got := ""
			switch {
			case auth.Reply != nil:
				got = strings.Fields(auth.Reply.Line())[0]
			case auth.Err != nil:
				got = string(auth.Err.Kind)
			}
			if got != tc.wantAuth {
				t.Errorf("auth stage: %q (%s), want %s", got, auth.Evidence(), tc.wantAuth)
			}
			ids := findingIDs(r.Verdict)
			hasToken := false
			for _, id := range ids {
				if strings.HasPrefix(id, "token-") {
					hasToken = true
					if tc.want == "" || id != tc.want {
						t.Errorf("unexpected finding %s", id)
					}
				}
			}
			if tc.want != "" && !hasToken {
				t.Errorf("findings %v, want %s", ids, tc.want)
			}
			if tc.want != "" && tc.wantAuth != "235" && (r.Verdict.Category != catalog.AuthCat || !strings.Contains(r.Verdict.Rule, tc.want)) {
				t.Errorf("verdict %+v does not rest on %s", r.Verdict, tc.want)
			}
			reqs := ts.Requests()
			if len(reqs) != 1 || reqs[0].GrantType != "client_credentials" || reqs[0].Scope != specs.DefaultOAuthScope || reqs[0].ClientID != tokenserver.App {
				t.Errorf("token requests %+v", reqs)
			}
			assertNoOAuthSecret(t, r, token, oauthSecret, tc.secret)
		})
	}
}

// assertNoOAuthSecret looks for each secret, plain and encoded, in every output
// of the run: transcript, golden, verdict and findings, JSON.
func assertNoOAuthSecret(t *testing.T, r *Result, secrets ...string) {
	t.Helper()
	js, err := json.Marshal(struct {
		T *transcript.Transcript
		V diagnosis.Verdict
		O []checks.Outcome
	}{r.Transcript, r.Verdict, r.Outcomes})
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{"json": string(js), "golden": string(r.Golden)}
	for _, l := range r.Transcript.Lines {
		outputs["lines"] += l.Text + "\n"
	}
	for _, s := range secrets {
		if len(s) < 8 {
			continue
		}
		forms := []string{s, base64.StdEncoding.EncodeToString([]byte(s)), url.QueryEscape(s)}
		if i := strings.LastIndexByte(s, '.'); i > 0 {
			forms = append(forms, s[i+1:]) // a JWT's signature alone
		}
		for name, out := range outputs {
			for _, f := range forms {
				if strings.Contains(out, f) {
					t.Errorf("a secret appears in the %s output", name)
				}
			}
		}
	}
	// The XOAUTH2 string as a whole, base64 of user= ... token.
	for _, l := range r.Transcript.Lines {
		if strings.Contains(l.Text, "dXNlcj1") {
			t.Errorf("an XOAUTH2 payload was recorded: %q", l.Text)
		}
	}
}

// TestXOAUTH2WireFormat checks the SASL XOAUTH2 initial response against
// the documented format (MS OAuth doc): base64("user=" user ^A
// "auth=Bearer " token ^A ^A).
func TestXOAUTH2WireFormat(t *testing.T) {
	got, err := base64.StdEncoding.DecodeString(XOAUTH2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"))
	if err != nil {
		t.Fatal(err)
	}
	want := "user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
	if string(got) != want {
		t.Errorf("XOAUTH2 = %q, want %q", got, want)
	}
}

// TestXOAUTH2ErrorContinuation: a server that answers a refused token with
// the 334 error continuation gets an empty line, then its final 535.
func TestXOAUTH2ErrorContinuation(t *testing.T) {
	sc := scenario(t, "submission-ok")
	sc.OAuthErrorChallenge = true
	port, ca := startSim(t, sc, sim.Options{})
	token := tokenserver.Mint(tokenserver.AppOnly(time.Now()).With("aud", "https://graph.microsoft.com"))
	s := oauthSite(port, "", tokenserver.Tenant)
	s.Auth.OAuth = nil
	s.Auth.Token = specs.NewSecret("SMTP_TOKEN", token)
	r := runSite(t, s, ca)
	var got []string
	for _, l := range r.Transcript.Lines {
		if l.Stage == transcript.Auth {
			got = append(got, string(l.Dir)+": "+l.Text)
		}
	}
	want := []string{"C: AUTH XOAUTH2 <redacted>",
		"S: 334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbS8uZGVmYXVsdCJ9",
		"C: ", "S: 535 5.7.3 Authentication unsuccessful [<HOST>]"}
	if len(got) != len(want) {
		t.Fatalf("auth lines:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], strings.TrimSuffix(want[i], "[<HOST>]")) {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
	if r.Transcript.OAuth == nil || r.Transcript.OAuth.Source != "env" {
		t.Errorf("OAuth info %+v", r.Transcript.OAuth)
	}
	assertNoOAuthSecret(t, r, token)
}

// TestClientCertificate: the relay-certificate scenario attributes the
// session by the client certificate; without one the connector does not
// match; one from an unknown CA fails the handshake.
func TestClientCertificate(t *testing.T) {
	ca, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	other, err := sim.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	port, _ := startSim(t, scenario(t, "relay-certificate"), sim.Options{CA: ca})
	good, goodKey, _ := ca.IssueClient("relay.contoso.com", time.Now().Add(10*24*time.Hour))
	stranger, strangerKey, _ := other.IssueClient("relay.contoso.com", time.Now().Add(365*24*time.Hour))
	wrongName, wrongNameKey, _ := ca.IssueClient("printer.fabrikam.com", time.Now().Add(365*24*time.Hour))
	cases := []struct {
		name      string
		cert, key []byte
		want      string // rcpt reply code, or the failing stage
		findings  []string
	}{
		{"accepted certificate", good, goodKey, "250", []string{"client-cert", "client-cert-expiry"}},
		{"no certificate", nil, nil, "550", nil},
		{"name not an accepted domain", wrongName, wrongNameKey, "550", []string{"client-cert"}},
		{"unknown issuer", stranger, strangerKey, "fail", []string{"client-cert"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := testSite(port, func(s *specs.Site) {
				s.Name, s.Method, s.Auth = "warehouse", transcript.Relay, nil
				s.Client = specs.Client{Helo: "mfp.contoso.com", TLSMin: tls.VersionTLS12, TLSMax: tls.VersionTLS13,
					Certificate: tc.cert, Key: specs.NewSecret("MFP_KEY", string(tc.key))}
				s.Envelope = specs.Envelope{From: "warehouse@contoso.com", To: []string{"orders@fabrikam.com"}}
				s.Expect = map[transcript.Stage]*checks.Expect{"tls": {CertDaysMin: 30}}
			})
			r := runSite(t, s, ca)
			got := "fail"
			if rc := r.Transcript.Stage(transcript.Rcpt); rc.Reply != nil {
				got = strings.Fields(rc.Reply.Line())[0]
			}
			if got != tc.want {
				t.Errorf("rcpt %s, want %s; verdict %s", got, tc.want, r.Verdict.Summary())
			}
			ids := strings.Join(findingIDs(r.Verdict), " ")
			for _, f := range tc.findings {
				if !strings.Contains(ids, f) {
					t.Errorf("findings %q lack %s", ids, f)
				}
			}
			if tc.cert != nil {
				cc := r.Transcript.TLS.Client
				if cc == nil || !cc.Requested || cc.Subject == "" || len(cc.SANs) == 0 {
					t.Errorf("client certificate facts %+v", cc)
				}
				assertNoOAuthSecret(t, r, string(tc.key))
			}
		})
	}
}
