package runner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// pipelined makes a test site pipeline against a server that advertises
// PIPELINING after TLS.
func pipelined(d *smtpd, s *specs.Site) {
	d.ehloTLS = []string{"250-test.local Hello [127.0.0.1]", "250-SIZE 157286400", "250-PIPELINING",
		"250-AUTH LOGIN XOAUTH2", "250 8BITMIME"}
	s.Client.Pipelining = true
}

// TestPipeliningKeepsTheTranscript probes the same server behaviour with
// and without pipelining: the transcript's lines (stage, direction,
// text) and stage results must be the same, including when a refusal
// makes commands sent ahead moot.
func TestPipeliningKeepsTheTranscript(t *testing.T) {
	refuse := func(addr string) string {
		if strings.HasPrefix(addr, "ghost") {
			return "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
		}
		return "250 2.1.5 Recipient OK"
	}
	tests := []struct {
		name      string
		configure func(*smtpd)
		site      func(*specs.Site)
	}{
		{name: "accepted"},
		{name: "two recipients", site: func(s *specs.Site) { s.Envelope.To = []string{"a@contoso.test", "b@contoso.test"} }},
		{name: "MAIL refused", configure: func(d *smtpd) { d.reply["MAIL"] = "530 5.7.57 Client not authenticated to send mail" }},
		{name: "MAIL 421", configure: func(d *smtpd) { d.reply["MAIL"] = "421 4.3.2 Service not available, closing transmission channel" }},
		{name: "one of two recipients refused", configure: func(d *smtpd) { d.rcpt = refuse },
			site: func(s *specs.Site) { s.Envelope.To = []string{"ghost@contoso.test", "alice@contoso.test"} }},
		{name: "RCPT 421", configure: func(d *smtpd) { d.reply["RCPT"] = "421 4.4.2 Connection dropped" }},
		{name: "closed instead of a RCPT reply", configure: func(d *smtpd) { d.reply["RCPT"] = "" }},
		{name: "RSET refused", configure: func(d *smtpd) { d.reply["RSET"] = "502 5.5.2 Command not implemented" }},
		{name: "closed instead of 221", configure: func(d *smtpd) { d.reply["QUIT"] = "" }},
		{name: "message sent", site: func(s *specs.Site) { s.Envelope.SendMessage = true }},
		{name: "message, a recipient refused", configure: func(d *smtpd) { d.rcpt = refuse },
			site: func(s *specs.Site) {
				s.Envelope.SendMessage = true
				s.Envelope.To = []string{"alice@contoso.test", "ghost@contoso.test"}
			}},
		{name: "CR in an address: refused before sending", site: func(s *specs.Site) { s.Envelope.To = []string{"a@b\rRSET"} }},
	}
	pki := newPKI(t, "localhost")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [2][]string
			var wire [2][]string
			for i, pipelining := range []bool{false, true} {
				d := newSMTPD(pki.server())
				s := testSite(0)
				pipelined(d, s)
				s.Client.Pipelining = pipelining
				if tt.configure != nil {
					tt.configure(d)
				}
				srv := startServer(t, d.serve)
				s.Endpoint.Port = srv.port
				if tt.site != nil {
					tt.site(s)
				}
				tr := probe(t, s, pki)
				got[i] = append(lines(tr), stages(tr)...)
				for j, l := range got[i] { // the two servers' ports differ
					got[i][j] = strings.ReplaceAll(l, fmt.Sprintf(":%d", srv.port), ":PORT")
				}
				wire[i] = srv.received()
			}
			if diff := cmp.Diff(got[0], got[1]); diff != "" {
				t.Errorf("transcript with pipelining differs (-sequential +pipelined):\n%s\nwire, sequential: %q\nwire, pipelined: %q",
					diff, wire[0], wire[1])
			}
		})
	}
}

// TestPipeliningGroupsTheEnvelope checks the wire: with PIPELINING
// advertised, MAIL, both RCPTs, RSET and QUIT reach the server in one
// write (the server finds them all buffered when it reads MAIL); with
// pipelining = false, or when the server does not advertise it, each
// command waits for the previous reply.
func TestPipeliningGroupsTheEnvelope(t *testing.T) {
	const group = "RCPT TO:<a@contoso.test>\r\nRCPT TO:<b@contoso.test>\r\nRSET\r\nQUIT\r\n"
	tests := []struct {
		name       string
		advertise  bool
		pipelining bool
		send       bool
		wantAhead  string // what is buffered behind MAIL when the server reads it
	}{
		{name: "advertised", advertise: true, pipelining: true, wantAhead: group},
		{name: "with a message: no RSET, no QUIT, no DATA ahead", advertise: true, pipelining: true, send: true,
			wantAhead: "RCPT TO:<a@contoso.test>\r\nRCPT TO:<b@contoso.test>\r\n"},
		{name: "pipelining = false", advertise: true, pipelining: false, wantAhead: ""},
		{name: "not advertised", advertise: false, pipelining: true, wantAhead: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ahead := make(chan string, 1)
			srv := startServer(t, func(p *peer) {
				p.send("220 test.local ESMTP")
				if l, _ := p.line(); !strings.HasPrefix(l, "EHLO") {
					return
				}
				if tt.advertise {
					p.send("250-test.local", "250 PIPELINING")
				} else {
					p.send("250 test.local")
				}
				if _, ok := p.line(); !ok { // MAIL
					return
				}
				b, _ := p.r.Peek(p.r.Buffered())
				ahead <- string(b)
				d := newSMTPD(nil)
				p.send("250 2.1.0 Sender OK")
				d.dialogue(p)
			})
			s := testSite(srv.port, func(s *specs.Site) {
				s.Auth = nil
				s.Method = transcript.Relay
				s.Endpoint.TLS = transcript.NoTLS
				s.Envelope.To = []string{"a@contoso.test", "b@contoso.test"}
				s.Envelope.SendMessage = tt.send
				s.Client.Pipelining = tt.pipelining
			})
			tr := probe(t, s, nil)
			for _, st := range tr.Stages {
				if st.Status == "fail" {
					t.Errorf("stage %s failed: %s", st.Stage, st.Evidence())
				}
			}
			if got := <-ahead; got != tt.wantAhead {
				t.Errorf("buffered behind MAIL: %q, want %q", got, tt.wantAhead)
			}
		})
	}
}
