package diagnosis

import (
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// Connect failures read by how every address failed: port 25 dropped or
// refused on every address is the ISP or firewall blocking port 25.
func TestReachabilityConnectVerdicts(t *testing.T) {
	att := func(addr, outcome string) transcript.ConnectAttempt {
		return transcript.ConnectAttempt{Addr: addr, Family: "ipv4", Outcome: outcome}
	}
	tests := []struct {
		name     string
		port     int
		attempts []transcript.ConnectAttempt
		summary  string
	}{
		{"port 25 dropped everywhere", 25, []transcript.ConnectAttempt{att("52.101.0.1:25", "timeout"), att("52.101.0.2:25", "timeout")},
			"outbound port 25 is blocked: all 2 addresses of the server time out on port 25"},
		{"port 25 refused everywhere", 25, []transcript.ConnectAttempt{att("52.101.0.1:25", "refused")},
			"outbound port 25 is rejected: the only address refuse"},
		{"587 dropped", 587, []transcript.ConnectAttempt{att("52.97.0.1:587", "timeout")}, "packets are dropped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := tt.attempts[0]
			tr := &transcript.Transcript{
				Stages: []transcript.StageResult{{Stage: transcript.Resolve, Status: transcript.Pass},
					{Stage: transcript.Connect, Status: transcript.Fail, Err: &transcript.Error{Kind: transcript.Kind(first.Outcome), Text: "no connection to " + first.Addr}}},
				Reach: &transcript.Reachability{Attempts: tt.attempts},
			}
			v := Diagnose(tr, Input{Plan: transcript.Plan{Method: transcript.DirectSend}, Host: "contoso-com.mail.protection.outlook.com", Port: tt.port})
			if v.Category != catalog.Network || v.Stage != transcript.Connect || !strings.Contains(v.Summary(), tt.summary) {
				t.Errorf("verdict = %s at %s: %q, want network at connect: %q", v.Category, v.Stage, v.Summary(), tt.summary)
			}
		})
	}
}

// A partial block is a finding, and a note on a verdict that is ok.
func TestReachabilityPartialBlock(t *testing.T) {
	r := &transcript.Reachability{Attempts: []transcript.ConnectAttempt{
		{Addr: "52.101.0.1:25", Family: "ipv4", Outcome: "connected", Used: true},
		{Addr: "52.101.0.2:25", Family: "ipv4", Outcome: "connected"},
		{Addr: "[2a01:111::1]:25", Family: "ipv6", Outcome: "timeout"},
		{Addr: "[2a01:111::2]:25", Family: "ipv6", Outcome: "timeout"},
	}}
	f, ok := partialBlock(r, Input{})
	if !ok || !strings.HasPrefix(f.Text, "2 of 4 addresses time out on port 25") || !strings.Contains(f.Text, "no working IPv6 route") {
		t.Errorf("finding = %+v, want 2 of 4 addresses time out, IPv6", f)
	}
	// The IPv6 note adds to the general fix, it does not replace it.
	if !strings.Contains(f.Fix, "allow outbound TCP 25 to every address") || !strings.Contains(f.Fix, "fix IPv6 routing") {
		t.Errorf("fix = %q, want the general fix and the IPv6 note", f.Fix)
	}
}

// Only timeouts and unreachables say IPv6 has no route: a refusal
// proves one.
func TestReachabilityPartialBlockIPv6Route(t *testing.T) {
	tests := []struct {
		v6   []string // outcomes of the two IPv6 addresses
		note bool
	}{
		{[]string{"timeout", "unreachable"}, true},
		{[]string{"unreachable", "unreachable"}, true},
		{[]string{"refused", "refused"}, false},
		{[]string{"timeout", "refused"}, false},
		{[]string{"timeout", "connected"}, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.v6, ","), func(t *testing.T) {
			r := &transcript.Reachability{Attempts: []transcript.ConnectAttempt{
				{Addr: "52.101.0.1:25", Family: "ipv4", Outcome: "connected", Used: true},
				{Addr: "[2a01:111::1]:25", Family: "ipv6", Outcome: tt.v6[0]},
				{Addr: "[2a01:111::2]:25", Family: "ipv6", Outcome: tt.v6[1]},
			}}
			f, ok := partialBlock(r, Input{})
			if !ok {
				t.Fatal("no finding")
			}
			if got := strings.Contains(f.Text, "no working IPv6 route"); got != tt.note {
				t.Errorf("IPv6 note = %v, want %v: %q", got, tt.note, f.Text)
			}
			if got := strings.Contains(f.Fix, "fix IPv6 routing"); got != tt.note || !strings.Contains(f.Fix, "to every address") {
				t.Errorf("fix = %q, want IPv6 note %v after the general fix", f.Fix, tt.note)
			}
		})
	}
}
