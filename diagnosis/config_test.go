package diagnosis

import (
	"slices"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
	"github.com/smtpspec/smtpspec/transcript/sessiontest"
)

func TestMisfits(t *testing.T) {
	cases := []struct {
		name string
		s    Setup
		want []string
	}{
		{"submission-ok", Setup{Method: transcript.Submission, Host: "smtp.office365.com", Port: 587, TLS: transcript.StartTLS, Auth: true}, nil},
		{"direct-send-ok", Setup{Method: transcript.DirectSend, MXDomain: "contoso.com", Port: 25, TLS: transcript.StartTLS}, nil},
		{"simulator-on-loopback", Setup{Method: transcript.DirectSend, Host: "127.0.0.1", Port: 2525, TLS: transcript.StartTLS, Auth: true}, nil},
		{"test-mta-without-auth", Setup{Method: transcript.Submission, Host: "mail.example.test", Port: 587, TLS: transcript.StartTLS}, nil},
		{"local-relay-by-private-ip", Setup{Method: transcript.Relay, Host: "10.0.0.5", Port: 25, TLS: transcript.StartTLS}, nil},
		{"auth-with-direct-send", Setup{Method: transcript.DirectSend, MXDomain: "contoso.com", Port: 25, Auth: true}, []string{"auth-with-direct-send"}},
		{"auth-with-relay", Setup{Method: transcript.Relay, Host: "contoso-com.mail.protection.outlook.com", Port: 25, Auth: true}, []string{"auth-with-relay"}},
		{"submission-without-auth", Setup{Method: transcript.Submission, Host: "smtp.office365.com", Port: 587}, []string{"submission-without-auth"}},
		{"office365-for-direct-send", Setup{Method: transcript.DirectSend, Host: "smtp.office365.com", Port: 25}, []string{"submission-endpoint-for-direct-send"}},
		{"mx-for-submission", Setup{Method: transcript.Submission, Host: "contoso-com.mail.protection.outlook.com", Port: 587, Auth: true}, []string{"mx-endpoint-for-submission"}},
		{"port-465", Setup{Method: transcript.Submission, Host: "smtp.office365.com", Port: 465, TLS: transcript.Implicit, Auth: true}, []string{"port-465"}},
		{"implicit-on-587", Setup{Method: transcript.Submission, Host: "smtp.office365.com", Port: 587, TLS: transcript.Implicit, Auth: true}, []string{"implicit-tls"}},
		{"mx-on-587", Setup{Method: transcript.DirectSend, MXDomain: "contoso.com", Port: 587}, []string{"mx-port"}},
		{"public-ip", Setup{Method: transcript.DirectSend, Host: "52.101.41.22", Port: 25}, []string{"ip-address"}},
	}
	for _, tc := range cases {
		var got []string
		for _, m := range Misfits(tc.s) {
			got = append(got, m.ID)
			if m.Finding == "" || m.Next == "" || m.Source == "" || m.Field == "" {
				t.Errorf("%s: incomplete misfit %+v", tc.name, m)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: Misfits = %v, want %v", tc.name, got, tc.want)
		}
	}
	ds := Setup{Method: transcript.DirectSend, MXDomain: "contoso.com", Port: 25, Auth: true}
	v := ConfigVerdict(ds, Misfits(ds))
	if v.Category != catalog.Config || v.Stage != "" || v.Step != 1 || v.Evidence == "" || v.Rule != "config:auth-with-direct-send" {
		t.Errorf("ConfigVerdict = %+v", v)
	}
}

func TestWithControl(t *testing.T) {
	primary := Verdict{Category: catalog.Network, Stage: transcript.Connect, Finding: "port 25 blocked", Rule: "port-25-blocked"}
	in := Input{Plan: sessiontest.DirectPlan, Port: 25}
	ok := Verdict{Category: catalog.OK}
	ct := &transcript.Transcript{}
	cases := []struct {
		name    string
		v, ctl  Verdict
		in      Input
		want    string
		wantCat catalog.Category
		wantNot string // in neither the summary nor next
	}{
		{"port25-control-passed", primary, ok, in, "almost certainly the site's IP or port 25", catalog.Network, ""},
		{"port25-reputation-control-passed", Verdict{Category: catalog.Reputation, Stage: transcript.Rcpt}, ok, in, "almost certainly the site's IP or port 25", catalog.Reputation, ""},
		{"port25-recipient-control-passed", Verdict{Category: catalog.Recipient, Stage: transcript.Rcpt, Next: "check the address"}, ok, in,
			"rules out the network and the tenant's SMTP service; the refusal is specific to this path (the recipient", catalog.Recipient, "almost certainly"},
		{"port25-recipient-no-587-advice", Verdict{Category: catalog.Recipient, Stage: transcript.Rcpt, Next: "check the address"}, ok, in, "specific to this path", catalog.Recipient, "meanwhile"},
		{"port25-policy-control-passed", Verdict{Category: catalog.Policy, Stage: transcript.Mail}, ok, in, "specific to this path (a policy", catalog.Policy, "port 25"},
		{"port2525-network-control-passed", primary, ok, Input{Plan: sessiontest.DirectPlan, Port: 2525}, "specific to this path", catalog.Network, "almost certainly"},
		{"port587-relay-reputation-control-passed", Verdict{Category: catalog.Reputation, Stage: transcript.Rcpt}, ok, Input{Plan: transcript.Plan{Method: transcript.Relay}, Port: 587}, "specific to this path", catalog.Reputation, "port 25"},
		{"both-early", primary, Verdict{Category: catalog.Network, Stage: transcript.Connect}, in, "the network blocks more than port 25", catalog.Network, ""},
		{"both-auth", Verdict{Category: catalog.AuthCat, Stage: transcript.Auth}, Verdict{Category: catalog.AuthCat, Stage: transcript.Auth}, subIn, "the tenant's settings", catalog.AuthCat, ""},
		{"auth-control-passed", Verdict{Category: catalog.AuthCat, Stage: transcript.Auth}, ok, subIn, "not the tenant", catalog.AuthCat, ""},
		{"ok-control-failed", ok, Verdict{Category: catalog.AuthCat, Stage: transcript.Auth}, in, "the control (submission on 587) failed at auth", catalog.OK, ""},
		{"ok-both", ok, ok, in, "also passed", catalog.OK, ""},
	}
	for _, tc := range cases {
		got := WithControl(tc.v, tc.in, tc.ctl, ct)
		if got.Category != tc.wantCat || !strings.Contains(got.Summary(), tc.want) {
			t.Errorf("%s: %s %q, want %s containing %q", tc.name, got.Category, got.Summary(), tc.wantCat, tc.want)
		}
		if tc.wantNot != "" && strings.Contains(got.Summary()+" "+got.Next, tc.wantNot) {
			t.Errorf("%s: %q / next %q contains %q", tc.name, got.Summary(), got.Next, tc.wantNot)
		}
	}
}
