package specs

import (
	"testing"

	"github.com/smtpspec/smtpspec/transcript"
)

// A site built outside the loader gets what a spec would have defaulted,
// the overall deadline included; a loaded one is left as it is.
func TestWithDefaults(t *testing.T) {
	s := (&Site{Method: transcript.Submission}).WithDefaults()
	if s.Endpoint.Port != SubmissionPort || s.Client.Helo != DefaultHelo || s.Timeouts != DefaultTimeouts {
		t.Errorf("defaults %d %q %+v, want %d %q %+v", s.Endpoint.Port, s.Client.Helo, s.Timeouts, SubmissionPort, DefaultHelo, DefaultTimeouts)
	}
	if p := (&Site{Method: transcript.DirectSend}).WithDefaults().Endpoint.Port; p != MXPort {
		t.Errorf("direct_send port %d, want %d", p, MXPort)
	}
	set := &Site{Method: transcript.Relay, Endpoint: Endpoint{Port: 2525}, Client: Client{Helo: "mfp"}, Timeouts: Timeouts{Connect: 1, Command: 2, Total: 3}}
	if got := set.WithDefaults(); got != set {
		t.Errorf("a site with every default set was copied: %+v", got)
	}
}
