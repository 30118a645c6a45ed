package runner

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/specs"
)

func TestProbeSendMessage(t *testing.T) {
	pki := newPKI(t, "localhost")
	d := newSMTPD(pki.server())
	srv := startServer(t, d.serve)
	s := testSite(srv.port, func(s *specs.Site) {
		s.Envelope.SendMessage = true
		s.Envelope.To = []string{"alice@contoso.test", "bob@contoso.test"}
	})
	tr := probe(t, s, pki) // token smtpspec-0123456789abcdef

	msgs := d.messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	wantMsg := strings.Join([]string{
		"Date: Tue, 04 Mar 2025 05:06:07 +0000",
		"From: \"smtpspec test\" <scanner@contoso.test>",
		"To: alice@contoso.test, bob@contoso.test",
		"Subject: smtpspec test printer smtpspec-0123456789abcdef",
		"Message-ID: <smtpspec-0123456789abcdef.printer@contoso.test>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
		"Content-Transfer-Encoding: 7bit",
		"",
		"This is a test message from smtpspec, sent to check this mail path.",
		"It needs no action.",
		"",
		"Site: printer",
		"Run token: smtpspec-0123456789abcdef",
		"",
	}, "\r\n")
	if diff := cmp.Diff(wantMsg, msgs[0]); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
	wantTail := []string{
		"data C: DATA",
		"data S: 354 Start mail input; end with <CRLF>.<CRLF>",
		fmt.Sprintf("data C: <message %d bytes, Subject: smtpspec test printer smtpspec-0123456789abcdef>", len(wantMsg)),
		"data S: 250 2.6.0 <token@smtpspec.invalid> Queued mail for delivery",
		"quit C: QUIT", // no RSET after a message
		"quit S: 221 2.0.0 Service closing transmission channel",
	}
	got := lines(tr)
	if diff := cmp.Diff(wantTail, got[len(got)-len(wantTail):]); diff != "" {
		t.Errorf("last lines (-want +got):\n%s", diff)
	}
	wantStages := []string{"rcpt pass 250 2.1.5 Recipient OK",
		"data pass 250 2.6.0 <token@smtpspec.invalid> Queued mail for delivery",
		"quit pass 221 2.0.0 Service closing transmission channel"}
	if diff := cmp.Diff(wantStages, stages(tr)[9:]); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	if tr.Token != "smtpspec-0123456789abcdef" {
		t.Errorf("Token = %q", tr.Token)
	}
}

func TestProbeDataRefused(t *testing.T) {
	pki := newPKI(t, "localhost")
	d := newSMTPD(pki.server())
	d.reply["DATA"] = "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP."
	srv := startServer(t, d.serve)
	tr := probe(t, testSite(srv.port, func(s *specs.Site) { s.Envelope.SendMessage = true }), pki)
	want := []string{"data fail 550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",
		"quit pass 221 2.0.0 Service closing transmission channel"}
	if diff := cmp.Diff(want, stages(tr)[10:]); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	if tr.Token != "" || len(d.messages()) != 0 {
		t.Errorf("token %q, %d messages: want none when DATA is refused", tr.Token, len(d.messages()))
	}
}

func TestMessageIsSafe(t *testing.T) {
	var b strings.Builder
	newTestMessage("x", "a@b", []string{"c@d\r\nBcc: e@f"}, "t\r\n.", time.Unix(0, 0).UTC(), 0).WriteTo(&b)
	got := b.String()
	for _, l := range strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n") {
		if strings.HasPrefix(l, "Bcc:") {
			t.Errorf("a spec value added a header: %q", l)
		}
	}
	if want := "To: c@d??Bcc: e@f\r\n"; !strings.Contains(got, want) {
		t.Errorf("message %q lacks %q", got, want)
	}
}

func TestDotStuff(t *testing.T) {
	got := string(dotStuff([]string{".", "..x", "a.", ""}))
	if want := "..\r\n...x\r\na.\r\n\r\n"; got != want {
		t.Errorf("dotStuff = %q, want %q", got, want)
	}
}
