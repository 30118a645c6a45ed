package runner

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

func TestProbeAuthWireFormat(t *testing.T) {
	tests := []struct {
		mech      string
		wantWire  []string // what the server decoded, in the documented format
		wantLines []string // the auth stage's lines
	}{
		{
			mech:     "LOGIN",
			wantWire: []string{testUser, testPassword},
			wantLines: []string{"auth C: AUTH LOGIN", "auth S: 334 VXNlcm5hbWU6", "auth C: <redacted>",
				"auth S: 334 UGFzc3dvcmQ6", "auth C: <redacted>", "auth S: 235 2.7.0 Authentication successful"},
		},
		{
			// RFC 4616: [authzid] NUL authcid NUL passwd, as the initial response (RFC 4954).
			mech:      "PLAIN",
			wantWire:  []string{"\x00" + testUser + "\x00" + testPassword},
			wantLines: []string{"auth C: AUTH PLAIN <redacted>", "auth S: 235 2.7.0 Authentication successful"},
		},
		{
			// Microsoft's OAuth doc (FACTS.md 4.2): user=U ^A auth=Bearer T ^A ^A.
			mech:      "XOAUTH2",
			wantWire:  []string{"user=" + testUser + "\x01auth=Bearer " + testToken + "\x01\x01"},
			wantLines: []string{"auth C: AUTH XOAUTH2 <redacted>", "auth S: 235 2.7.0 Authentication successful"},
		},
	}
	pki := newPKI(t, "localhost")
	for _, tt := range tests {
		t.Run(tt.mech, func(t *testing.T) {
			d := newSMTPD(pki.server())
			srv := startServer(t, d.serve)
			tr := probe(t, testSite(srv.port, func(s *specs.Site) { s.Auth.Mechanism = transcript.Mechanism(tt.mech) }), pki)

			if diff := cmp.Diff(tt.wantWire, d.authPayloads()); diff != "" {
				t.Errorf("server decoded (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLines, stageLines(tr, transcript.Auth)); diff != "" {
				t.Errorf("auth lines (-want +got):\n%s", diff)
			}
			if st := tr.Stage(transcript.Auth); st.Status != transcript.Pass {
				t.Errorf("auth = %s %s", st.Status, st.Evidence())
			}
			secrets := []string{testPassword, testToken}
			if tt.mech != "LOGIN" { // LOGIN's first payload is the user name, not a secret
				secrets = append(secrets, tt.wantWire...)
			}
			assertNoSecret(t, tr, secrets...)
		})
	}
}

func TestProbeXOAUTH2ErrorChallenge(t *testing.T) {
	pki := newPKI(t, "localhost")
	challenge := base64.StdEncoding.EncodeToString([]byte(`{"status":"401","schemes":"bearer","scope":"https://outlook.office.com/SMTP.Send"}`))
	srv := startServer(t, func(p *peer) {
		d := newSMTPD(pki.server())
		d.reply["AUTH"] = "334 " + challenge
		d.reply[""] = "535 5.7.3 Authentication unsuccessful [SN2PR00CA0018.namprd00.prod.outlook.com]"
		d.serve(p)
	})
	tr := probe(t, testSite(srv.port, func(s *specs.Site) { s.Auth.Mechanism = "XOAUTH2" }), pki)

	want := []string{
		"auth C: AUTH XOAUTH2 <redacted>",
		"auth S: 334 " + challenge,
		"auth C: ",
		"auth S: 535 5.7.3 Authentication unsuccessful [SN2PR00CA0018.namprd00.prod.outlook.com]",
	}
	if diff := cmp.Diff(want, stageLines(tr, transcript.Auth)); diff != "" {
		t.Errorf("auth lines (-want +got):\n%s", diff)
	}
	wantStages := []string{
		"auth fail 535 5.7.3 Authentication unsuccessful [SN2PR00CA0018.namprd00.prod.outlook.com]",
		"mail skip", "rcpt skip", "quit pass 221 2.0.0 Service closing transmission channel",
	}
	if diff := cmp.Diff(wantStages, stages(tr)[7:]); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	assertNoSecret(t, tr, testToken)
}

func TestProbeAuthNotes(t *testing.T) {
	pki := newPKI(t, "localhost")
	tests := []struct {
		name     string
		mech     string
		ehloTLS  []string
		wantAuth string
	}{
		{"mechanism not offered", "PLAIN", nil,
			"auth pass 235 2.7.0 Authentication successful [AUTH PLAIN not advertised (server offers LOGIN XOAUTH2)]"},
		{"no AUTH at all", "LOGIN", []string{"250-test.local Hello", "250 8BITMIME"},
			"auth pass 235 2.7.0 Authentication successful [AUTH not advertised]"},
		{"old AUTH= form", "LOGIN", []string{"250-test.local Hello", "250 AUTH=LOGIN"},
			"auth pass 235 2.7.0 Authentication successful"},
		{"unknown mechanism: nothing sent, QUIT still runs", "CRAM-MD5", nil,
			"auth fail protocol: smtpspec cannot authenticate with CRAM-MD5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newSMTPD(pki.server())
			if tt.ehloTLS != nil {
				d.ehloTLS = tt.ehloTLS
			}
			srv := startServer(t, d.serve)
			tr := probe(t, testSite(srv.port, func(s *specs.Site) { s.Auth.Mechanism = transcript.Mechanism(tt.mech) }), pki)
			if got := stages(tr)[7]; got != tt.wantAuth {
				t.Errorf("auth = %q, want %q", got, tt.wantAuth)
			}
			if st := tr.Stage(transcript.Quit); st.Status != transcript.Pass {
				t.Errorf("quit = %s %s", st.Status, st.Evidence())
			}
		})
	}
}

func TestProbeRedactsEchoedSecrets(t *testing.T) {
	pki := newPKI(t, "localhost")
	d := newSMTPD(pki.server())
	d.reply["AUTH"] = "535 5.7.3 password " + testPassword + " rejected"
	srv := startServer(t, d.serve)
	tr := probe(t, testSite(srv.port), pki)
	if got, want := tr.Stage(transcript.Auth).Evidence(), "535 5.7.3 password <redacted> rejected"; got != want {
		t.Errorf("auth evidence = %q, want %q", got, want)
	}
	assertNoSecret(t, tr, testPassword)
}

// stageLines is the part of lines(tr) recorded at stage.
func stageLines(tr *transcript.Transcript, stage transcript.Stage) []string {
	var out []string
	for _, l := range lines(tr) {
		if strings.HasPrefix(l, string(stage)+" ") {
			out = append(out, l)
		}
	}
	return out
}

// assertNoSecret fails if any form of a secret appears anywhere in tr.
func assertNoSecret(t *testing.T, tr *transcript.Transcript, secrets ...string) {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tr); err != nil {
		t.Fatal(err)
	}
	dump := b.String()
	for _, s := range secrets {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)),
			base64.RawStdEncoding.EncodeToString([]byte(s)), url.QueryEscape(s)} {
			if strings.Contains(dump, form) {
				t.Errorf("transcript contains %q (a form of a secret)", form)
			}
		}
	}
}
