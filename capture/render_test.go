package capture

import (
	"bytes"
	"crypto/tls"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/smtpspec/smtpspec/transcript"
)

var t0 = time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)

func hello(versions, suites []uint16, explicit bool) *Hello {
	h := &Hello{Versions: names(versions, versionName), CipherSuites: names(suites, suiteName), Groups: []string{"secp256r1"},
		SignatureSchemes: []string{"rsa_pkcs1_sha256"}, HighestOnly: !explicit, versions: versions, suites: suites}
	return h
}

// fixtures are captured devices written by hand, so their reports and
// specs are byte-stable goldens.
func fixtures() map[string]*Report {
	legacyHello := hello([]uint16{tls.VersionTLS11}, []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}, false)
	legacy := &Report{Persona: Submission, TLSMode: transcript.StartTLS, Listen: "192.168.1.10:587", Started: t0, Ended: t0.Add(42 * time.Second),
		EndReason: EndGrace, AcceptsAnyCredentials: true, Connections: []*Connection{
			{N: 1, Source: "192.168.1.50:40001", Local: "192.168.1.10:587", Started: t0, DurationMS: 310, Greeting: "EHLO", HeloName: "RNP0026737A1B2C",
				Commands: []string{"EHLO", "QUIT"}, End: "QUIT"},
			{N: 2, Source: "192.168.1.50:40002", Local: "192.168.1.10:587", Started: t0.Add(20 * time.Second), DurationMS: 1900, Greeting: "EHLO", HeloName: "RNP0026737A1B2C",
				TLS:      &TLS{Mode: transcript.StartTLS, Hello: legacyHello, Version: "TLS 1.1", CipherSuite: "TLS_RSA_WITH_AES_128_CBC_SHA", Completed: true, Microsoft365: predict(legacyHello, Submission)},
				Commands: []string{"EHLO", "STARTTLS", "EHLO", "AUTH LOGIN", "MAIL", "RCPT", "DATA", "QUIT"},
				Auth: []*AuthAttempt{{Mechanism: "LOGIN", Offered: true, Username: `CONTOSO\scanner`, UsernameFormat: UsernameDownLevel,
					Password: &Password{Length: 13, Bytes: 13, TrailingSpace: true, MangleProne: []string{"&"}, Match: "no: the device adds or drops whitespace at the start or end"},
					Outcome:  "accepted (the capture accepts any credentials)"}},
				Transactions: []*Transaction{{MailFrom: "jane.doe@contoso.com", RcptTo: []string{"jane.doe@contoso.com"},
					Message: &Message{Via: "DATA", Size: 48213, From: "Jane Doe <jane.doe@contoso.com>", FromAddress: "jane.doe@contoso.com",
						Subject: "Scanned from RICOH MP C3004", Attachments: 1, AttachmentTypes: []string{"application/pdf"}}}},
				End: "QUIT"},
		}}
	modernHello := hello([]uint16{tls.VersionTLS13, tls.VersionTLS12}, []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}, true)
	modern := &Report{Persona: Submission, TLSMode: transcript.StartTLS, Listen: "192.168.1.10:587", Started: t0, Ended: t0.Add(8 * time.Second),
		EndReason: EndGrace, AcceptsAnyCredentials: true, Connections: []*Connection{
			{N: 1, Source: "192.168.1.60:50000", Local: "192.168.1.10:587", Started: t0, DurationMS: 800, Greeting: "EHLO", HeloName: "mfp-3f.contoso.local",
				TLS:       &TLS{Mode: transcript.StartTLS, Hello: modernHello, Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Completed: true, Microsoft365: predict(modernHello, Submission)},
				Commands:  []string{"EHLO", "STARTTLS", "EHLO", "AUTH XOAUTH2", "MAIL", "RCPT", "RCPT", "DATA", "QUIT"},
				Pipelined: []string{"RCPT", "RCPT", "DATA"},
				Auth: []*AuthAttempt{{Mechanism: "XOAUTH2", Offered: true, Username: "scanner@contoso.com", UsernameFormat: UsernameUPN,
					Token: &transcript.OAuthInfo{Source: "device", Audience: []string{"https://outlook.office.com"}, Scopes: []string{"SMTP.Send"},
						TenantID: "8c1a4d5e-2b3f-4a6b-9c7d-0e1f2a3b4c5d", User: "scanner@contoso.com", Expires: t0.Add(time.Hour), CheckedAt: t0},
					Outcome: "accepted (the capture accepts any credentials)"}},
				Transactions: []*Transaction{{MailFrom: "scanner@contoso.com", MailParams: []string{"SIZE=912345", "BODY=8BITMIME"}, RcptTo: []string{"frontdesk@contoso.com", "archive@fabrikam.example"},
					Message: &Message{Via: "DATA", Size: 912345, From: "Scanner 3F <scanner@contoso.com>", FromAddress: "scanner@contoso.com", Subject: "Scan", Attachments: 2, AttachmentTypes: []string{"application/pdf"}}}},
				End: "QUIT"},
		}}
	direct := &Report{Persona: MX, TLSMode: transcript.StartTLS, Listen: "0.0.0.0:25", Started: t0, Ended: t0.Add(6 * time.Second),
		EndReason: EndGrace, AcceptsAnyCredentials: true, Connections: []*Connection{
			{N: 1, Source: "10.0.0.7:1025", Local: "10.0.0.2:25", Started: t0, DurationMS: 200, Greeting: "HELO", HeloName: "KM-C250i",
				Commands: []string{"HELO", "MAIL", "RCPT", "DATA", "QUIT"},
				Transactions: []*Transaction{{MailFrom: "copier@fabrikam.com", RcptTo: []string{"orders@northwind.example"},
					Message: &Message{Via: "DATA", Size: 2048, Subject: "Scan", Attachments: 1, AttachmentTypes: []string{"application/pdf"}}}},
				End: "QUIT"},
		}}
	reps := map[string]*Report{"legacy-ricoh": legacy, "modern-xoauth2": modern, "direct-send-helo": direct}
	for _, r := range reps {
		r.Findings = findings(r, Options{Persona: r.Persona, TLSMode: r.TLSMode, ExpectedEnv: "SCANNER_PASSWORD", Parallel: DefaultParallel, Connections: DefaultConnections})
	}
	return reps
}

func TestReportGoldens(t *testing.T) {
	g := goldie.New(t)
	for name, rep := range fixtures() {
		for _, f := range Formats {
			var b bytes.Buffer
			if err := Write(&b, f, rep); err != nil {
				t.Fatal(err)
			}
			g.Assert(t, name+"."+f, b.Bytes())
		}
		src, err := Spec(rep, SpecOptions{Site: name, PasswordEnv: "SCANNER_PASSWORD", TokenEnv: "SCANNER_TOKEN"})
		if err != nil {
			t.Fatal(err)
		}
		g.Assert(t, name+".spec", src)
	}
}
