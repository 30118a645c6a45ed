package explain

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// fixtureCases: every fixture in testdata/, its format and the verdict
// it must produce. The whole human output is pinned by a golden
// (testdata/golden/<fixture>.golden; update with -update).
var fixtureCases = []struct {
	file, format string
	category     catalog.Category
	stage        transcript.Stage
}{
	{"swaks-auth-disabled", "swaks", catalog.AuthCat, "auth"},
	{"swaks-banned-ip", "swaks", catalog.Reputation, "rcpt"},
	{"swaks-connect-timeout", "swaks", catalog.Network, "connect"},
	{"sclog-firewall-inspection", "sc-log", catalog.Firewall, "banner"},
	{"sclog-tls-ok-rcpt-recipient", "sc-log", catalog.Recipient, "rcpt"},
	{"postfix-banned-ip", "postfix", catalog.Reputation, "rcpt"},
	{"postfix-sasl-basic-disabled", "postfix", catalog.AuthCat, "auth"},
	{"postfix-greeting-timeout", "postfix", catalog.Firewall, "banner"},
	{"postfix-tenant-attribution", "postfix", catalog.Policy, "rcpt"},
	{"dotnet-not-authenticated", "dotnet", catalog.AuthCat, "mail"},
	{"dotnet-timeout-465", "dotnet", catalog.Config, transcript.Unstaged}, // the exception does not say where it timed out
	{"dotnet-timeout-no-context", "dotnet", catalog.Network, transcript.Unstaged},
	{"dotnet-connectionclosed-getconnection", "dotnet", catalog.Firewall, "banner"}, // the stack reads the greeting
	{"dotnet-connectionclosed-readline-mail", "text", catalog.Network, "mail"},      // the stack names MailCommand.Send: the connection closed at MAIL FROM
	{"dotnet-sendas-denied", "dotnet", catalog.Policy, "mail"},
	{"nodemailer-basic-auth-disabled", "nodemailer", catalog.AuthCat, "auth"},
	{"nodemailer-recipients-rejected", "nodemailer", catalog.Recipient, "rcpt"},
	{"nodemailer-wrong-version", "nodemailer", catalog.Config, "tls"},
	{"phpmailer-auth-failed", "phpmailer", catalog.AuthCat, "auth"},
	{"phpmailer-connect-timeout", "phpmailer", catalog.Network, "connect"},
	{"phpmailer-error-only-mail-from", "phpmailer", catalog.AuthCat, "mail"},
	{"telnet-helo-only", "telnet", catalog.Config, "mail"},
	{"telnet-mx-stops-before-rcpt", "telnet", catalog.OK, transcript.EHLO},
	{"telnet-windows-connect-failed", "telnet", catalog.Network, "connect"},
	{"smtplib-basic-auth-disabled", "smtplib", catalog.AuthCat, "auth"},
	// Email OAuth 2.0 Proxy's debug log: the remote (indented) session is
	// explained, the device's AUTH PLAIN and the proxy's token never shown.
	{"oauth2proxy-xoauth2-535", "oauth2-proxy", catalog.AuthCat, "auth"},
}

func TestFixtures(t *testing.T) {
	g := goldie.New(t, goldie.WithFixtureDir("testdata/golden"), goldie.WithNameSuffix(".golden"))
	for _, tc := range fixtureCases {
		t.Run(tc.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", tc.file+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Transcript(string(src))
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != tc.format {
				t.Errorf("format = %q, want %q", res.Format, tc.format)
			}
			if res.Verdict.Category != tc.category || res.Verdict.Stage != tc.stage {
				t.Errorf("verdict = %s at %q, want %s at %q\n%s", res.Verdict.Category, res.Verdict.Stage, tc.category, tc.stage, res.Verdict.Summary())
			}
			var out bytes.Buffer
			if err := WriteText(&out, res); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "aHVudGVyMg==") || strings.Contains(out.String(), "c2Nhbm5lckBjb250b3NvLmNvbQ==") {
				t.Error("a credential from the capture reached the output")
			}
			g.Assert(t, tc.file, out.Bytes())
		})
	}
}

// TestEveryFixtureHasACase: a fixture added to testdata/ needs a row.
func TestEveryFixtureHasACase(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	have := map[string]bool{"unparseable": true}
	for _, tc := range fixtureCases {
		have[tc.file] = true
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".txt"); !have[name] {
			t.Errorf("testdata/%s.txt has no row in fixtureCases", name)
		}
	}
}

func TestUnrecognised(t *testing.T) {
	for _, in := range []string{"", "hello\nworld", mustRead(t, "testdata/unparseable.txt")} {
		if _, err := Transcript(in); !errors.Is(err, ErrUnrecognised) {
			t.Errorf("Transcript(%q) error = %v, want ErrUnrecognised", in, err)
		}
	}
	if _, err := Reply("printer says error 751"); !errors.Is(err, ErrUnrecognised) {
		t.Errorf("Reply error = %v, want ErrUnrecognised", err)
	}
}

func TestReply(t *testing.T) {
	cases := []struct {
		line     string
		category catalog.Category
		stage    transcript.Stage
		code     int
	}{
		{"550 5.7.606 Access denied, banned sending IP [203.0.113.7]. To request removal from this list please visit https://sender.office.com/", catalog.Reputation, "rcpt", 550},
		{"5.7.57 Client not authenticated to send mail.", catalog.AuthCat, "mail", 530},
		{"535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.", catalog.AuthCat, "auth", 535},
		{"550 5.7.30 Basic authentication is not supported for Client Submission.", catalog.AuthCat, "auth", 550},
		{"550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources", catalog.Policy, "rcpt", 550},
		{"550 5.1.1 User unknown", catalog.Recipient, transcript.Rcpt, 550}, // RFC 3463: X.1.1 is the destination address, RCPT TO's
		{"554 5.7.9 Message not accepted for policy reasons", catalog.Policy, transcript.Unstaged, 554},
		{"421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2.", catalog.TLSCat, "tls", 421},
	}
	for _, tc := range cases {
		res, err := Reply(tc.line)
		if err != nil {
			t.Fatalf("Reply(%q): %v", tc.line, err)
		}
		v := res.Verdict
		if v.Category != tc.category || v.Stage != tc.stage || v.Code != tc.code {
			t.Errorf("Reply(%q) = %s at %q code %d, want %s at %q code %d\n%s", tc.line, v.Category, v.Stage, v.Code, tc.category, tc.stage, tc.code, v.Summary())
		}
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
