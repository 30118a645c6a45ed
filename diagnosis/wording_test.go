package diagnosis

import (
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/transcript"
	"github.com/smtpspec/smtpspec/transcript/sessiontest"
)

// TestExpandUnknownPort: a port the capture does not name (explain of a
// .NET timeout) is never written as 0.
func TestExpandUnknownPort(t *testing.T) {
	f := transcript.StageResult{Stage: transcript.Connect, Err: &transcript.Error{Kind: transcript.KindRefused}}
	cases := []struct {
		in         Input
		text, want string
	}{
		{Input{Host: "smtp.office365.com"}, "check that this network allows outbound TCP <PORT> to <NAME>", "check that this network allows outbound TCP to smtp.office365.com"},
		{Input{Host: "smtp.office365.com"}, "check port <PORT> of <ENDPOINT>", "check the port of smtp.office365.com"},
		{Input{Host: "smtp.office365.com"}, "<PORT> is closed", "the port is closed"},
		{Input{Host: "smtp.office365.com"}, "<WHAT>", "the connection to smtp.office365.com was refused"},
		{Input{}, "outbound TCP <PORT> to <ENDPOINT>", "outbound TCP to the endpoint"},
		{Input{Host: "smtp.office365.com", Port: 587}, "outbound TCP <PORT> to <ENDPOINT>, port <PORT>", "outbound TCP 587 to smtp.office365.com:587, port 587"},
	}
	for _, tc := range cases {
		sc := &scene{t: &transcript.Transcript{}, in: tc.in}
		if got := sc.expand(tc.text, f); got != tc.want {
			t.Errorf("expand(%q) with port %d = %q, want %q", tc.text, tc.in.Port, got, tc.want)
		}
	}
	v := Diagnose(&transcript.Transcript{Stages: []transcript.StageResult{{Stage: transcript.Connect, Status: transcript.Fail, Err: f.Err}}}, Input{Plan: sessiontest.SubmissionPlan, Host: "smtp.office365.com"})
	if strings.Contains(v.Summary()+v.Next, " 0 ") || strings.Contains(v.Summary()+v.Next, ":0") {
		t.Errorf("port 0 in the verdict: %s\nnext: %s", v.Summary(), v.Next)
	}
}
