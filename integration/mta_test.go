//go:build linux

package integration

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/internal/mta"
	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

const (
	mailbox   = "scanner@contoso.test"
	password  = "Mta-Test-Passw0rd!7"
	hostname  = "mx.contoso.test"
	helo      = "mfp-3f.contoso.test"
	bannedIP  = "127.0.0.2" // the probe dials from here to be "banned"
	external  = "orders@fabrikam.example"
	unknownTo = "nobody@contoso.test"
)

// mtaCase is one conversation with the real MTA: the site, how smtpspec
// must judge it, and the same conversation for swaks.
type mtaCase struct {
	name     string
	method   string
	tls      string // endpoint tls
	mech     string // "" : no auth block
	password string
	to       string
	from     string // dial from this loopback address ("" : the default)
	send     bool   // send_message

	stage    transcript.Stage // the failing stage, "" when none
	code     int
	enhanced string
	category catalog.Category
	swaks    bool // compare with swaks
}

func cases() []mtaCase {
	return []mtaCase{
		{name: "submission-login", method: "submission", tls: "starttls", mech: "LOGIN", password: password, to: "frontdesk@contoso.test",
			category: catalog.OK, swaks: true},
		{name: "submission-plain", method: "submission", tls: "starttls", mech: "PLAIN", password: password, to: "frontdesk@contoso.test",
			category: catalog.OK, swaks: true},
		// Postfix offers AUTH only after STARTTLS (smtpd_tls_auth_only), as
		// Microsoft 365 does; swaks will not send AUTH that is not offered.
		{name: "auth-before-starttls", method: "submission", tls: "none", mech: "LOGIN", password: password, to: "frontdesk@contoso.test",
			stage: transcript.Auth, code: 503, enhanced: "5.5.1", category: catalog.TLSCat},
		{name: "recipient-unknown", method: "submission", tls: "starttls", mech: "LOGIN", password: password, to: unknownTo,
			stage: transcript.Rcpt, code: 550, enhanced: "5.4.1", category: catalog.Recipient, swaks: true},
		{name: "direct-send-banned-ip", method: "direct_send", tls: "starttls", to: "frontdesk@contoso.test", from: bannedIP,
			stage: transcript.Rcpt, code: 550, enhanced: "5.7.606", category: catalog.Reputation, swaks: true},
		{name: "relay-not-attributed", method: "relay", tls: "starttls", to: external,
			stage: transcript.Rcpt, code: 550, enhanced: "5.7.64", category: catalog.Policy, swaks: true},
		{name: "direct-send-message", method: "direct_send", tls: "starttls", to: "frontdesk@contoso.test", send: true,
			category: catalog.OK},
		// Last: Dovecot slows AUTH from an address after a failure.
		{name: "submission-bad-password", method: "submission", tls: "starttls", mech: "LOGIN", password: "wrong-" + password, to: "frontdesk@contoso.test",
			stage: transcript.Auth, code: 535, enhanced: "5.7.8", category: catalog.AuthCat, swaks: true},
	}
}

// catalogAction is a Postfix access action whose text is the Microsoft 365
// reply of catalog row id, so Postfix answers as Exchange Online does.
// Postfix puts "<address>: Recipient address rejected: " (or "Client host
// rejected: ") before the text; the catalog's patterns still match.
func catalogAction(t *testing.T, id string, vals map[string]string) string {
	t.Helper()
	e := catalog.Lookup(id)
	if e == nil {
		t.Fatalf("catalog has no row %q", id)
	}
	text := strings.TrimPrefix(e.Render(vals), "5.4.1 Recipient address rejected: ")
	if e.Enhanced != "" && !strings.HasPrefix(text, e.Enhanced) {
		text = e.Enhanced + " " + text
	}
	return strconv.Itoa(e.Code) + " " + text
}

// startMTA starts Dovecot and Postfix with STARTTLS, SASL after TLS only,
// and rejections whose texts come from the reply catalog.
func startMTA(t *testing.T) (*mta.Postfix, *mta.Certs) {
	mta.Need(t)
	dir := mta.TempDir(t, "smtpspec-mta-") // reachable by the postfix and dovecot users, unlike t.TempDir
	certs, err := mta.NewCerts(dir, hostname, "localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	dv := mta.StartDovecot(t, filepath.Join(dir, "dovecot"), map[string]string{mailbox: password})
	pf := mta.StartPostfix(t, filepath.Join(dir, "postfix"), mta.PostfixConfig{
		Hostname: hostname,
		Banner:   "Microsoft ESMTP MAIL Service ready",
		Certs:    certs,
		SASL:     dv.Socket,
		Domains:  []string{"contoso.test"},
		RecipientAccess: map[string]string{
			unknownTo: catalogAction(t, "recipient-unknown", map[string]string{"<HOST>": "BN8NAM11FT066"}),
		},
		RelayAccess: map[string]string{
			"fabrikam.example": catalogAction(t, "tenant-attribution", nil),
		},
		ClientAccess: map[string]string{
			bannedIP: catalogAction(t, "banned-ip", map[string]string{"<IP>": bannedIP}),
		},
	})
	return pf, certs
}

// TestRealMTA runs smtpspec against a real Postfix with Dovecot SASL and
// checks its verdicts, then compares its transcripts with swaks' of the
// same conversations, exchange by exchange.
func TestRealMTA(t *testing.T) {
	pf, certs := startMTA(t)
	host, port, _ := net.SplitHostPort(pf.Addr)
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			site := loadSite(t, tc, host, port, certs.CAFile)
			opts := runner.Options{Golden: golden.Store{Dir: t.TempDir()}}
			if tc.from != "" {
				d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(tc.from)}}
				opts.Probe.Dial = d.DialContext
			}
			r := runner.RunSite(context.Background(), site, opts)
			checkVerdict(t, tc, r)
			assertNoSecret(t, r)
			if tc.stage == "" {
				// The same conversation again matches the golden of the
				// first: Postfix's queue ids and host name are normalised.
				opts.Update = true
				runner.RunSite(context.Background(), site, opts)
				opts.Update = false
				if again := runner.RunSite(context.Background(), site, opts); again.Status != runner.StatusPass {
					t.Errorf("second run: %s\n%v", again.Status, again.Drift)
				}
			}
			if !tc.swaks {
				return
			}
			got := smtpspecExchanges(r.Transcript)
			lines, shown, err := mta.Swaks(context.Background(), swaksArgs(tc, host, port)...)
			if err != nil {
				t.Fatal(err)
			}
			want := mta.Exchanges(lines)
			if len(want) < 5 {
				t.Fatalf("swaks transcript too short to compare:\n%s", shown)
			}
			if diff := cmp.Diff(strs(want), strs(got)); diff != "" {
				t.Errorf("smtpspec and swaks disagree (-swaks +smtpspec):\n%s\nswaks:\n%s\npostfix log:\n%s", diff, shown, tail(pf.Log()))
			}
		})
	}
}

func loadSite(t *testing.T, tc mtaCase, host, port, caFile string) *specs.Site {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "site %q {\n  method = %q\n", tc.name, tc.method)
	fmt.Fprintf(&b, "  endpoint {\n    host = %q\n    port = %s\n    tls = %q\n    server_name = %q\n    ca_file = %q\n  }\n",
		host, port, tc.tls, hostname, caFile)
	fmt.Fprintf(&b, "  client {\n    helo = %q\n  }\n", helo)
	if tc.mech != "" {
		fmt.Fprintf(&b, "  auth {\n    mechanism = %q\n    username = %q\n    password = env(\"MTA_PASSWORD\")\n  }\n", tc.mech, mailbox)
	}
	fmt.Fprintf(&b, "  envelope {\n    from = %q\n    to = [%q]\n    send_message = %t\n  }\n", mailbox, tc.to, tc.send)
	b.WriteString("  timeouts {\n    connect = \"5s\"\n    command = \"10s\"\n    total = \"60s\"\n  }\n}\n")
	path := filepath.Join(t.TempDir(), tc.name+".hcl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	l := specs.NewLoader(func(k string) string {
		if k == "MTA_PASSWORD" {
			return tc.password
		}
		return ""
	})
	sites, diags := l.LoadPaths(path)
	if diags.HasErrors() || len(sites) != 1 {
		var out bytes.Buffer
		specs.WriteDiagnostics(&out, l.Files(), diags, 100, false)
		t.Fatalf("spec does not load:\n%s\n%s", b.String(), out.String())
	}
	return sites[0]
}

func checkVerdict(t *testing.T, tc mtaCase, r *runner.Result) {
	t.Helper()
	tr := r.Transcript
	f, failed := tr.Failed()
	switch {
	case tc.stage == "" && failed:
		t.Fatalf("stage %s failed: %s\n%s", f.Stage, f.Evidence(), r.Golden)
	case tc.stage != "" && (!failed || f.Stage != tc.stage):
		t.Fatalf("failed stage %q (%s), want %s\n%s", f.Stage, f.Evidence(), tc.stage, r.Golden)
	}
	if tc.stage != "" && (f.Reply == nil || f.Reply.Code != tc.code || f.Reply.Enhanced != tc.enhanced) {
		t.Errorf("%s evidence %q, want %d %s", f.Stage, f.Evidence(), tc.code, tc.enhanced)
	}
	if r.Verdict.Category != tc.category {
		t.Errorf("verdict %s at %s: %s; want %s\n%s", r.Verdict.Category, r.Verdict.Stage, r.Verdict.Summary(), tc.category, r.Golden)
	}
	if tc.stage == "" && r.Status != runner.StatusNew {
		t.Errorf("status %s, want new (passed, no golden yet)", r.Status)
	}
	if tc.send {
		if st := tr.Stage(transcript.Data); st.Status != transcript.Pass {
			t.Errorf("data %s %s", st.Status, st.Evidence())
		}
	}
}

// assertNoSecret: the password in none of its forms, in the transcript,
// the golden or either report.
func assertNoSecret(t *testing.T, r *runner.Result) {
	t.Helper()
	var out bytes.Buffer
	out.Write(r.Golden)
	if err := report.WriteJSON(&out, []*runner.Result{r}); err != nil {
		t.Fatal(err)
	}
	if err := (report.Human{Verbose: true}).Write(&out, []*runner.Result{r}); err != nil {
		t.Fatal(err)
	}
	for _, l := range r.Transcript.Lines {
		out.WriteString(l.Text + "\n")
	}
	for _, form := range transcript.SecretForms([]string{password, "wrong-" + password, "\x00" + mailbox + "\x00" + password}) {
		if strings.Contains(out.String(), form) {
			t.Errorf("a form of the password leaks: %q", form)
		}
	}
}

// smtpspecExchanges are smtpspec's exchanges, less the RSET that it sends
// before QUIT after a successful RCPT (it never leaves a transaction
// open; swaks --quit-after RCPT just quits).
func smtpspecExchanges(tr *transcript.Transcript) []mta.Exchange {
	var lines []mta.Line
	for _, l := range tr.Lines {
		lines = append(lines, mta.Line{Client: l.Dir == transcript.Client, Text: l.Text})
	}
	var out []mta.Exchange
	for _, e := range mta.Exchanges(lines) {
		if e.Command != "RSET" {
			out = append(out, e)
		}
	}
	return out
}

func swaksArgs(tc mtaCase, host, port string) []string {
	args := []string{"--server", host, "--port", port, "--ehlo", helo, "--from", mailbox, "--to", tc.to,
		"--quit-after", "RCPT", "--timeout", "20"}
	if tc.tls == "starttls" {
		args = append(args, "--tls")
	}
	if tc.mech != "" {
		args = append(args, "--auth", tc.mech, "--auth-user", mailbox, "--auth-password", tc.password)
	}
	if tc.from != "" {
		args = append(args, "--local-interface", tc.from)
	}
	return args
}

func strs(es []mta.Exchange) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.String()
	}
	return out
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}
