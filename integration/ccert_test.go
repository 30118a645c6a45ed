//go:build linux

package integration

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/internal/mta"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// relayTo is outside every domain the certificate-checking Postfix
// accepts, and has no access entry: only a listed certificate relays to
// it, and anything else gets Postfix's own "554 5.7.1 <x>: Relay access
// denied" (reject_unauth_destination).
const relayTo = "orders@northwind.example"

// ccertCase is one relay through a Postfix that asks for, verifies and
// looks up client certificates, as a certificate connector does.
type ccertCase struct {
	name string
	cert string // "listed", "unlisted" (same CA), "foreign" (another CA), "" (none)
	want mtaCase
}

// TestRealMTAClientCertificate: a real Postfix asks every client for a
// certificate (smtpd_tls_ask_ccert), verifies it against its CA
// (smtpd_tls_CAfile) and lets relay only the one whose SHA-256
// fingerprint its check_ccert_access table lists. smtpspec presenting
// that certificate relays; without it, or with another, the refusal is
// Postfix's "Relay access denied", diagnosed as a relay policy refusal,
// not a recipient problem. The listed and the missing certificate are
// compared with swaks' conversation (--tls-cert/--tls-key).
func TestRealMTAClientCertificate(t *testing.T) {
	mta.Need(t)
	dir := mta.TempDir(t, "smtpspec-mta-ccert-")
	certs, err := mta.NewCerts(dir, hostname, "localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	foreignDir := filepath.Join(dir, "foreign")
	if err := os.Mkdir(foreignDir, 0o700); err != nil {
		t.Fatal(err)
	}
	foreign, err := mta.NewCerts(foreignDir, "other-ca.example")
	if err != nil {
		t.Fatal(err)
	}
	pairs := map[string][2][]byte{}
	for name, ca := range map[string]*mta.Certs{"listed": certs, "unlisted": certs, "foreign": foreign} {
		c, k, err := ca.IssueClient("relay.contoso.test")
		if err != nil {
			t.Fatal(err)
		}
		pairs[name] = [2][]byte{c, k}
	}
	listed, err := mta.Fingerprint(pairs["listed"][0])
	if err != nil {
		t.Fatal(err)
	}
	pf := mta.StartPostfix(t, filepath.Join(dir, "postfix"), mta.PostfixConfig{
		Hostname:     hostname,
		Banner:       "ESMTP",
		Certs:        certs,
		Domains:      []string{"contoso.test"},
		ClientCAFile: certs.CAFile,
		RelayCerts:   map[string]string{listed: "OK"},
	})
	host, port, _ := net.SplitHostPort(pf.Addr)

	refused := mtaCase{stage: transcript.Rcpt, code: 554, enhanced: "5.7.1", category: catalog.Policy}
	cases := []ccertCase{
		{"listed-certificate", "listed", mtaCase{category: catalog.OK, swaks: true}},
		{"no-certificate", "", withSwaks(refused)},
		{"unlisted-certificate", "unlisted", refused},
		{"untrusted-certificate", "foreign", refused},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			var pair [2][]byte
			if tc.cert != "" {
				pair = pairs[tc.cert]
			}
			site := loadRelaySite(t, work, tc.name, host, port, certs.CAFile, pair)
			r := runner.RunSite(context.Background(), site, runner.Options{Golden: golden.Store{Dir: t.TempDir()}})
			checkVerdict(t, tc.want, r)
			if cc := r.Transcript.TLS; cc == nil || (tc.cert != "") != (cc.Client != nil && cc.Client.Requested) {
				t.Errorf("client certificate requested and presented: got %+v, want presented=%t", cc, tc.cert != "")
			}
			if tc.want.stage != "" {
				v := r.Verdict
				if v.Rule != "relay-refused" || !strings.Contains(v.Summary(), "relay") || strings.Contains(v.Summary(), "recipient was refused") {
					t.Errorf("verdict %s by %s: %s\nnext: %s", v.Category, v.Rule, v.Summary(), v.Next)
				}
			}
			assertNoKey(t, r, pair[1])
			if !tc.want.swaks {
				return
			}
			args := []string{"--server", host, "--port", port, "--ehlo", helo, "--from", mailbox, "--to", relayTo,
				"--quit-after", "RCPT", "--timeout", "20", "--tls"}
			if tc.cert != "" {
				cf, kf := filepath.Join(work, "mfp.pem"), filepath.Join(work, "mfp.key")
				args = append(args, "--tls-cert", cf, "--tls-key", kf)
			}
			lines, shown, err := mta.Swaks(context.Background(), args...)
			if err != nil {
				t.Fatal(err)
			}
			want := mta.Exchanges(lines)
			if len(want) < 5 {
				t.Fatalf("swaks transcript too short to compare:\n%s", shown)
			}
			if diff := cmp.Diff(strs(want), strs(smtpspecExchanges(r.Transcript))); diff != "" {
				t.Errorf("smtpspec and swaks disagree (-swaks +smtpspec):\n%s\nswaks:\n%s\npostfix log:\n%s", diff, shown, tail(pf.Log()))
			}
		})
	}
}

func withSwaks(c mtaCase) mtaCase {
	c.swaks = true
	return c
}

// loadRelaySite is a relay site on the test Postfix, presenting pair (a
// certificate and key, PEM) when it has one: the certificate by file(),
// the key by env(), as a user's spec names them.
func loadRelaySite(t *testing.T, dir, name, host, port, caFile string, pair [2][]byte) *specs.Site {
	t.Helper()
	client := fmt.Sprintf("  client {\n    helo = %q\n  }\n", helo)
	if pair[0] != nil {
		for file, data := range map[string][]byte{"mfp.pem": pair[0], "mfp.key": pair[1]} {
			if err := os.WriteFile(filepath.Join(dir, file), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		client = fmt.Sprintf("  client {\n    helo = %q\n    certificate = file(\"mfp.pem\")\n    key = env(\"MFP_KEY\")\n  }\n", helo)
	}
	src := fmt.Sprintf("site %q {\n  method = \"relay\"\n"+
		"  endpoint {\n    host = %q\n    port = %s\n    server_name = %q\n    ca_file = %q\n  }\n%s"+
		"  envelope {\n    from = %q\n    to = [%q]\n  }\n"+
		"  timeouts {\n    connect = \"5s\"\n    command = \"10s\"\n    total = \"60s\"\n  }\n}\n",
		name, host, port, hostname, caFile, client, mailbox, relayTo)
	path := filepath.Join(dir, name+".hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	l := specs.NewLoader(func(k string) string {
		if k == "MFP_KEY" {
			return string(pair[1])
		}
		return ""
	})
	sites, diags := l.LoadPaths(path)
	if diags.HasErrors() || len(sites) != 1 {
		var out bytes.Buffer
		specs.WriteDiagnostics(&out, l.Files(), diags, 100, false)
		t.Fatalf("spec does not load:\n%s\n%s", src, out.String())
	}
	return sites[0]
}

// assertNoKey: the client's private key appears in no artifact.
func assertNoKey(t *testing.T, r *runner.Result, keyPEM []byte) {
	t.Helper()
	if keyPEM == nil {
		return
	}
	body := strings.Split(strings.TrimSpace(string(keyPEM)), "\n")[1] // a line of the key's base64
	var out bytes.Buffer
	out.Write(r.Golden)
	for _, l := range r.Transcript.Lines {
		out.WriteString(l.Text + "\n")
	}
	out.WriteString(r.Verdict.Summary() + r.Verdict.Next)
	if strings.Contains(out.String(), body) {
		t.Error("the client key leaks into the golden, transcript or verdict")
	}
}
