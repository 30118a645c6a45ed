package diagnosis

import (
	"testing"

	"github.com/smtpspec/smtpspec/transcript"
)

func TestAuthOnlyAfterTLS(t *testing.T) {
	refused := &transcript.Reply{Code: 503, Enhanced: "5.5.1", Lines: []string{"5.5.1 Error: authentication not enabled"}}
	busy := &transcript.Reply{Code: 454, Enhanced: "4.7.0", Lines: []string{"4.7.0 Temporary authentication failure"}}
	tests := []struct {
		name string
		caps []string
		rep  *transcript.Reply
		want bool
	}{
		{"Postfix smtpd_tls_auth_only", []string{"PIPELINING", "STARTTLS", "8BITMIME"}, refused, true},
		{"AUTH offered in plaintext", []string{"STARTTLS", "AUTH PLAIN LOGIN"}, refused, false},
		{"old AUTH= form offered", []string{"STARTTLS", "AUTH=LOGIN"}, refused, false},
		{"no STARTTLS either", []string{"PIPELINING"}, refused, false},
		{"transient refusal", []string{"STARTTLS"}, busy, false},
		{"a reply the catalog knows", []string{"STARTTLS"}, &transcript.Reply{Code: 535, Enhanced: "5.7.139",
			Lines: []string{"5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := authOnlyAfterTLS(&transcript.Transcript{Capabilities: tt.caps}, tt.rep); got != tt.want {
				t.Errorf("authOnlyAfterTLS = %v, want %v", got, tt.want)
			}
		})
	}
}
