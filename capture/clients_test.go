package capture

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Real SMTP clients play the device, each configured as a different
// printer would be; the capture must tell each apart. Every output is
// searched for the client's secret.

const (
	tUser   = "scanner@contoso.com"
	tSecret = "Tr0ub4dor&3-horse" // has a mangle-prone character on purpose
)

type clientCase struct {
	name, prog string
	opts       Options
	user       string
	secret     string // what the client sends as password or token
	// run plays the device against the capture at s; it returns the
	// client's output for failure messages.
	run   func(ctx context.Context, s *started, dir string) ([]byte, error)
	check func(t *testing.T, rep *Report)
}

var clientCases = []clientCase{
	{name: "swaks-tls12-login-pipelining", prog: "swaks", user: tUser, secret: tSecret,
		run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
			pdf := filepath.Join(dir, "scan.pdf")
			os.WriteFile(pdf, []byte("%PDF-1.4 scanned page"), 0o600)
			return exec.CommandContext(ctx, "swaks", "--server", "127.0.0.1", "--port", s.Port, "--helo", "mfp-swaks.contoso.local",
				"--tls", "--tls-protocol", "tlsv1_2", "--auth", "LOGIN", "--auth-user", tUser, "--auth-password", tSecret,
				"--pipeline", "--from", tUser, "--to", "frontdesk@contoso.com", "--header", "Subject: Scan from MFP",
				"--attach-type", "application/pdf", "--attach", "@"+pdf).CombinedOutput()
		},
		check: func(t *testing.T, rep *Report) {
			c := mainConn(t, rep)
			want(t, c.Greeting == "EHLO" && c.HeloName == "mfp-swaks.contoso.local", "EHLO mfp-swaks.contoso.local, got %s %s", c.Greeting, c.HeloName)
			want(t, c.TLS != nil && c.TLS.Completed && c.TLS.Mode == "starttls", "a completed STARTTLS handshake, got %+v", c.TLS)
			want(t, slices.Equal(c.TLS.Hello.Versions, []string{"TLS 1.2"}), "a TLS 1.2 hello, got %v", c.TLS.Hello.Versions)
			want(t, len(c.Pipelined) > 0, "pipelining seen, got none (commands %v)", c.Commands)
			a := onlyAuth(t, c)
			want(t, a.Mechanism == "LOGIN" && a.Username == tUser && a.UsernameFormat == UsernameUPN, "AUTH LOGIN as the UPN, got %+v", a)
			want(t, a.Password.Length == len(tSecret) && slices.Equal(a.Password.MangleProne, []string{"&"}), "the password's properties, got %+v", a.Password)
			m := c.Transactions[0].Message
			want(t, m != nil && m.Attachments == 1 && slices.Equal(m.AttachmentTypes, []string{"application/pdf"}) && m.Subject == "Scan from MFP",
				"a message with one PDF attachment, got %+v", m)
			hasFinding(t, rep, "basic-auth-retirement", "password-risk", "pipelining")
			lacksFinding(t, rep, "tls-legacy", "username-not-upn", "sendas-risk")
		}},
	{name: "python-helo-plaintext", prog: "python3",
		run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
			return python(ctx, s, `
import smtplib, sys
from email.message import EmailMessage
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="mfp-python.local", timeout=10)
s.helo("mfp-python.local")
m = EmailMessage()
m["From"] = "=?utf-8?q?Empfang_M=C3=BCnchen?= <empfang@contoso.com>"
m["To"] = "frontdesk@contoso.com"
m["Subject"] = "=?utf-8?q?Scan_=C3=BCbermittelt?="
m.set_content("scan")
s.send_message(m, from_addr="empfang@contoso.com", to_addrs=["frontdesk@contoso.com"])
s.quit()
`)
		},
		check: func(t *testing.T, rep *Report) {
			c := mainConn(t, rep)
			want(t, c.Greeting == "HELO" && c.TLS == nil && len(c.Auth) == 0, "HELO without TLS or AUTH, got %s tls=%v auth=%d", c.Greeting, c.TLS, len(c.Auth))
			want(t, len(c.Pipelined) == 0, "smtplib does not pipeline, got %v", c.Pipelined)
			m := c.Transactions[0].Message
			want(t, m.From == "Empfang München <empfang@contoso.com>" && m.Subject == "Scan übermittelt", "decoded From and Subject, got %q %q", m.From, m.Subject)
			hasFinding(t, rep, "helo-with-submission", "submission-without-auth")
		}},
	{name: "python-tls11-auth-plain-before-tls", prog: "python3", user: tUser, secret: tSecret,
		run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
			return python(ctx, s, `
import smtplib, ssl, sys, base64, os
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="mfp-legacy.local", timeout=10)
s.ehlo()
blob = base64.b64encode(b"\0" + os.environ["DEV_USER"].encode() + b"\0" + os.environ["DEV_SECRET"].encode()).decode()
print(s.docmd("AUTH", "PLAIN " + blob))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.minimum_version = ssl.TLSVersion.TLSv1
ctx.maximum_version = ssl.TLSVersion.TLSv1_1
ctx.set_ciphers("DEFAULT@SECLEVEL=0")
s.starttls(context=ctx)
s.ehlo()
s.sendmail("scanner@contoso.com", ["frontdesk@contoso.com"], "From: scanner@contoso.com\r\nSubject: x\r\n\r\nx\r\n")
s.quit()
`)
		},
		check: func(t *testing.T, rep *Report) {
			c := mainConn(t, rep)
			a := onlyAuth(t, c)
			want(t, a.Mechanism == "PLAIN" && a.BeforeTLS && !a.Offered, "AUTH PLAIN before TLS, not offered, got %+v", a)
			want(t, c.TLS != nil && c.TLS.Completed && c.TLS.Version == "TLS 1.1", "a TLS 1.1 session, got %+v", c.TLS)
			want(t, !c.TLS.Microsoft365.OK, "Microsoft 365 refuses TLS 1.1, got %+v", c.TLS.Microsoft365)
			hasFinding(t, rep, "auth-before-tls", "auth-mechanism", "tls-legacy")
		}},
	{name: "python-xoauth2", prog: "python3", user: tUser, secret: fakeJWT(),
		run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
			return python(ctx, s, `
import smtplib, ssl, sys, os
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="mfp-oauth.local", timeout=10)
s.starttls(context=ssl._create_unverified_context())
s.ehlo()
s.auth("XOAUTH2", lambda challenge=None: "user=%s\x01auth=Bearer %s\x01\x01" % (os.environ["DEV_USER"], os.environ["DEV_SECRET"]), initial_response_ok=True)
s.sendmail("scanner@contoso.com", ["frontdesk@contoso.com"], "From: scanner@contoso.com\r\nSubject: x\r\n\r\nx\r\n")
s.quit()
`)
		},
		check: func(t *testing.T, rep *Report) {
			a := onlyAuth(t, mainConn(t, rep))
			want(t, a.Mechanism == "XOAUTH2" && a.Token != nil && a.Token.TenantID == fakeTenant, "XOAUTH2 with the token's claims, got %+v", a)
			lacksFinding(t, rep, "basic-auth-retirement", "token-audience", "token-scope")
		}},
	{name: "curl-tlsmax12-sendas", prog: "curl", user: tUser, secret: tSecret,
		run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
			msg := filepath.Join(dir, "msg.eml")
			os.WriteFile(msg, []byte("From: Jane <jane@contoso.com>\r\nSubject: curl scan\r\n\r\nhello\r\n"), 0o600)
			return exec.CommandContext(ctx, "curl", "-sS", "--max-time", "15", "smtp://127.0.0.1:"+s.Port+"/mfp-curl.local",
				"--ssl-reqd", "--tls-max", "1.2", "-k", "--login-options", "AUTH=LOGIN", "--user", tUser+":"+tSecret,
				"--mail-from", "jane@contoso.com", "--mail-rcpt", "frontdesk@contoso.com", "--upload-file", msg).CombinedOutput()
		},
		check: func(t *testing.T, rep *Report) {
			c := mainConn(t, rep)
			want(t, c.HeloName == "mfp-curl.local" && c.TLS != nil && c.TLS.Completed, "EHLO mfp-curl.local and TLS, got %q %+v", c.HeloName, c.TLS)
			want(t, slices.Max(c.TLS.Hello.versions) == 0x0303, "TLS 1.2 at most, got %v", c.TLS.Hello.Versions)
			a := onlyAuth(t, c)
			want(t, a.Mechanism == "LOGIN" && !a.BeforeTLS, "AUTH LOGIN after TLS, got %+v", a)
			want(t, c.Transactions[0].Message.From == "Jane <jane@contoso.com>", "the From header, got %+v", c.Transactions[0].Message)
			hasFinding(t, rep, "sendas-risk", "basic-auth-retirement")
			lacksFinding(t, rep, "auth-mechanism")
		}},
	{name: "curl-implicit-tls", prog: "curl", user: tUser, secret: tSecret,
		run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
			msg := filepath.Join(dir, "msg.eml")
			os.WriteFile(msg, []byte("From: scanner@contoso.com\r\nSubject: s\r\n\r\nx\r\n"), 0o600)
			return exec.CommandContext(ctx, "curl", "-sS", "--max-time", "15", "smtps://127.0.0.1:"+s.Port+"/mfp-smtps.local", "-k",
				"--user", tUser+":"+tSecret, "--mail-from", tUser, "--mail-rcpt", "frontdesk@contoso.com", "--upload-file", msg).CombinedOutput()
		},
		check: func(t *testing.T, rep *Report) {
			c := mainConn(t, rep)
			want(t, c.TLS != nil && c.TLS.Mode == "implicit" && c.TLS.Completed && strings.Contains(c.Early, "implicit TLS"), "implicit TLS seen before the banner, got %q %+v", c.Early, c.TLS)
			want(t, onlyAuth(t, c).Mechanism == "LOGIN", "curl picks LOGIN from LOGIN XOAUTH2")
			hasFinding(t, rep, "implicit-tls")
		}},
	{name: "openssl-rsa-cbc-only", prog: "openssl",
		run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
			cmd := exec.CommandContext(ctx, "openssl", "s_client", "-connect", s.Addr, "-starttls", "smtp", "-name", "mfp-openssl.local",
				"-tls1_2", "-cipher", "AES128-SHA:AES256-SHA@SECLEVEL=0", "-quiet")
			cmd.Stdin = strings.NewReader("QUIT\r\n")
			return cmd.CombinedOutput()
		},
		check: func(t *testing.T, rep *Report) {
			c := mainConn(t, rep)
			want(t, c.HeloName == "mfp-openssl.local" && c.TLS != nil && c.TLS.Completed, "EHLO mfp-openssl.local and TLS, got %+v", c.TLS)
			want(t, c.TLS.CipherSuite == "TLS_RSA_WITH_AES_128_CBC_SHA" || c.TLS.CipherSuite == "TLS_RSA_WITH_AES_256_CBC_SHA", "an RSA CBC suite, got %s", c.TLS.CipherSuite)
			want(t, !c.TLS.Microsoft365.OK, "Microsoft 365 has no such suite, got %+v", c.TLS.Microsoft365)
			hasFinding(t, rep, "tls-cipher-suites")
		}},
	{name: "openssl-verifies-certificate", prog: "openssl",
		run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
			other, _ := NewCA(time.Now())
			caFile := filepath.Join(dir, "other-ca.pem")
			os.WriteFile(caFile, other.CertPEM, 0o600)
			cmd := exec.CommandContext(ctx, "openssl", "s_client", "-connect", s.Addr, "-starttls", "smtp", "-CAfile", caFile, "-verify_return_error", "-quiet")
			cmd.Stdin = strings.NewReader("QUIT\r\n")
			return cmd.CombinedOutput()
		},
		check: func(t *testing.T, rep *Report) {
			c := mainConn(t, rep)
			want(t, c.TLS != nil && c.TLS.CertRejected && strings.Contains(c.TLS.CertEvidence, "alert"), "the certificate rejected with an alert, got %+v", c.TLS)
			hasFinding(t, rep, "tls-certificate-verified")
		}},
}

func TestRealClientsPlayTheDevice(t *testing.T) {
	for _, tc := range clientCases {
		t.Run(tc.name, func(t *testing.T) {
			need(t, tc.prog)
			opts := tc.opts
			log := logs(&opts)
			s := start(t, opts)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			currentSecret = tc.secret
			out, err := tc.run(ctx, s, t.TempDir())
			rep := s.report(t)
			if t.Failed() {
				return
			}
			defer func() {
				if t.Failed() {
					t.Logf("client (err %v):\n%s\ncapture:\n%s", err, out, dump(t, rep))
				}
			}()
			tc.check(t, rep)
			if tc.secret != "" {
				noSecret(t, everyOutput(t, rep, log.String()), tc.user, tc.secret)
			}
		})
	}
}

// python runs script with the capture's port as argv[1] and the device's
// credentials in the environment (not on the command line).
func python(ctx context.Context, s *started, script string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "python3", "-c", script, s.Port)
	cmd.Env = append(os.Environ(), "DEV_USER="+tUser, "DEV_SECRET="+currentSecret)
	return cmd.CombinedOutput()
}

// currentSecret is what python passes as DEV_SECRET: the case's password
// or token (the cases run one after the other).
var currentSecret string

const fakeTenant = "8c1a4d5e-2b3f-4a6b-9c7d-0e1f2a3b4c5d"

// fakeJWT is an unsigned access token with the claims Exchange Online
// wants for delegated SMTP (FACTS.md 4.2); the capture reads claims only.
func fakeJWT() string {
	enc := base64.RawURLEncoding.EncodeToString
	payload := fmt.Sprintf(`{"aud":"https://outlook.office365.com","tid":%q,"scp":"SMTP.Send","upn":%q,"exp":%d}`, fakeTenant, tUser, time.Now().Add(time.Hour).Unix())
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2lnbmF0dXJlLW5vdC1jaGVja2Vk"
}

func mainConn(t *testing.T, rep *Report) *Connection {
	t.Helper()
	d := newDevice(rep, Options{Persona: rep.Persona})
	if d.main == nil {
		t.Fatalf("no connection recorded")
	}
	return d.main
}

func onlyAuth(t *testing.T, c *Connection) *AuthAttempt {
	t.Helper()
	if len(c.Auth) != 1 {
		t.Fatalf("want one AUTH, got %d", len(c.Auth))
	}
	return c.Auth[0]
}

func want(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf("want "+format, args...)
	}
}

func hasFinding(t *testing.T, rep *Report, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if !slices.ContainsFunc(rep.Findings, func(f Finding) bool { return f.ID == id }) {
			t.Errorf("want finding %s, got %v", id, findingIDs(rep))
		}
	}
}

func lacksFinding(t *testing.T, rep *Report, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if slices.ContainsFunc(rep.Findings, func(f Finding) bool { return f.ID == id }) {
			t.Errorf("want no finding %s, got %v", id, findingIDs(rep))
		}
	}
}

func findingIDs(rep *Report) []string {
	return names(rep.Findings, func(f Finding) string { return f.ID })
}

// msmtp is GnuTLS and verifies certificates; it reads its configuration
// from a file (0600, as msmtp insists), the password included.
func msmtp(ctx context.Context, s *started, dir, extra string) ([]byte, error) {
	conf := filepath.Join(dir, "msmtprc")
	os.WriteFile(conf, []byte(fmt.Sprintf(`account device
host 127.0.0.1
port %s
domain mfp-msmtp.contoso.local
tls on
tls_starttls on
auth login
user %s
password %s
from scanner@contoso.com
%s
account default : device
`, s.Port, tUser, currentSecret, extra)), 0o600)
	cmd := exec.CommandContext(ctx, "msmtp", "-C", conf, "frontdesk@contoso.com")
	cmd.Stdin = strings.NewReader("From: Scanner <scanner@contoso.com>\r\nSubject: msmtp scan\r\n\r\npage\r\n")
	return cmd.CombinedOutput()
}

func init() {
	clientCases = append(clientCases,
		clientCase{name: "msmtp-gnutls-trusts-capture-ca", prog: "msmtp", user: tUser, secret: tSecret,
			run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
				ca := filepath.Join(dir, "capture-ca.pem")
				os.WriteFile(ca, s.CA.CertPEM, 0o600)
				return msmtp(ctx, s, dir, "tls_trust_file "+ca+"\ntls_priorities NORMAL:-VERS-TLS1.3")
			},
			check: func(t *testing.T, rep *Report) {
				c := mainConn(t, rep)
				want(t, c.HeloName == "mfp-msmtp.contoso.local" && c.TLS != nil && c.TLS.Completed && c.TLS.Version == "TLS 1.2", "EHLO mfp-msmtp and TLS 1.2, got %q %+v", c.HeloName, c.TLS)
				want(t, len(c.Pipelined) > 0, "msmtp pipelines, got commands %v", c.Commands)
				want(t, onlyAuth(t, c).Mechanism == "LOGIN", "AUTH LOGIN")
				lacksFinding(t, rep, "tls-certificate-verified")
			}},
		clientCase{name: "msmtp-refuses-unknown-ca", prog: "msmtp", user: tUser, secret: tSecret,
			run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
				other, _ := NewCA(time.Now())
				ca := filepath.Join(dir, "other-ca.pem")
				os.WriteFile(ca, other.CertPEM, 0o600)
				return msmtp(ctx, s, dir, "tls_trust_file "+ca)
			},
			check: func(t *testing.T, rep *Report) {
				c := mainConn(t, rep)
				want(t, c.TLS != nil && c.TLS.CertRejected, "the certificate rejected, got %+v", c.TLS)
				want(t, len(c.Auth) == 0, "no AUTH after a refused certificate")
				hasFinding(t, rep, "tls-certificate-verified")
			}},
	)
}

func init() {
	clientCases = append(clientCases,
		clientCase{name: "curl-smtps-to-implicit-capture", prog: "curl", opts: Options{TLSMode: "implicit"}, user: tUser, secret: tSecret,
			run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
				msg := filepath.Join(dir, "msg.eml")
				os.WriteFile(msg, []byte("From: scanner@contoso.com\r\nSubject: s\r\n\r\nx\r\n"), 0o600)
				return exec.CommandContext(ctx, "curl", "-sS", "--max-time", "15", "smtps://127.0.0.1:"+s.Port+"/mfp-465.local", "-k",
					"--user", tUser+":"+tSecret, "--mail-from", tUser, "--mail-rcpt", "frontdesk@contoso.com", "--upload-file", msg).CombinedOutput()
			},
			check: func(t *testing.T, rep *Report) {
				c := mainConn(t, rep)
				want(t, c.TLS != nil && c.TLS.Mode == "implicit" && c.TLS.Completed && c.Early == "", "implicit TLS from the start, got %q %+v", c.Early, c.TLS)
				hasFinding(t, rep, "implicit-tls")
			}},
		clientCase{name: "swaks-starttls-to-implicit-capture", prog: "swaks", opts: Options{TLSMode: "implicit"}, user: tUser, secret: tSecret,
			run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
				return exec.CommandContext(ctx, "swaks", "--server", "127.0.0.1", "--port", s.Port, "--helo", "mfp-587.local", "--tls",
					"--auth", "LOGIN", "--auth-user", tUser, "--auth-password", tSecret, "--from", tUser, "--to", "frontdesk@contoso.com").CombinedOutput()
			},
			check: func(t *testing.T, rep *Report) {
				c := mainConn(t, rep)
				want(t, len(c.Problems) == 1 && strings.Contains(c.Problems[0], "not implicit TLS"), "the missing ClientHello recorded, got %v", c.Problems)
				want(t, c.TLS != nil && c.TLS.Mode == "starttls" && c.TLS.Completed, "the session went on with STARTTLS, got %+v", c.TLS)
				lacksFinding(t, rep, "implicit-tls")
			}},
		clientCase{name: "swaks-direct-send-to-mx", prog: "swaks", opts: Options{Persona: MX},
			run: func(ctx context.Context, s *started, dir string) ([]byte, error) {
				return exec.CommandContext(ctx, "swaks", "--server", "127.0.0.1", "--port", s.Port, "--helo", "copier-dock.fabrikam.local", "--tls",
					"--from", "copier@fabrikam.com", "--to", "orders@northwind.example").CombinedOutput()
			},
			check: func(t *testing.T, rep *Report) {
				c := mainConn(t, rep)
				want(t, c.TLS != nil && c.TLS.Completed && len(c.Auth) == 0, "STARTTLS and no AUTH on the MX, got %+v", c)
				hasFinding(t, rep, "direct-send-external")
				src, err := Spec(rep, SpecOptions{Site: "dock", PasswordEnv: "P", TokenEnv: "T"})
				want(t, err == nil && strings.Contains(string(src), `method = "relay"`) && strings.Contains(string(src), `mx_domain = "fabrikam.com"`),
					"a relay spec for the sender's domain, got %v\n%s", err, src)
			}},
	)
}
