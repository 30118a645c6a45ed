package checks

import (
	"testing"

	"github.com/smtpspec/smtpspec/transcript"
	"github.com/smtpspec/smtpspec/transcript/sessiontest"
)

// TestResolveAcceptsMXMicrosoft: the resolve stage's default contract for
// direct_send and relay accepts a *.mx.microsoft MX.
func TestResolveAcceptsMXMicrosoft(t *testing.T) {
	for _, tc := range []struct {
		mx   string
		pass bool
	}{
		{"contoso-com.r-v1.mx.microsoft", true},
		{"contoso-com.mail.protection.outlook.com", true},
		{"mx.gateway.example.net", false},
	} {
		tr := resolvedTo(tc.mx)
		o := resolveCheck{}.Judge(tr.Stage(transcript.Resolve), tr, nil, sessiontest.Now)
		if (o.Status == "pass") != tc.pass {
			t.Errorf("MX %s: status %s (%s), want pass=%v", tc.mx, o.Status, o.Reason, tc.pass)
		}
	}
}

// resolvedTo is a direct_send transcript whose MX lookup answered mx.
func resolvedTo(mx string) *transcript.Transcript {
	return &transcript.Transcript{Method: transcript.DirectSend, Reach: &transcript.Reachability{MX: mx},
		Stages: []transcript.StageResult{{Stage: transcript.Resolve, Status: transcript.Pass}}}
}
