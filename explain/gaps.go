package explain

import (
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// notShown says what the capture cannot tell, so nobody reads a verdict
// as proof of more than the capture shows.
func notShown(b *builder, res *Result) []string {
	var out []string
	t := b.t
	if len(res.Implied) > 0 {
		out = append(out, "the capture does not show "+transcript.JoinStages(res.Implied, ", ")+": a later stage implies they passed")
	}
	f, failed := t.Failed()
	last := b.lastStage()
	if !failed && last != "" {
		if rest := after(t, last); len(rest) > 0 {
			out = append(out, "it stops after "+string(last)+": it does not show "+transcript.JoinStages(rest, ", ")+envelopeGap(rest))
		}
	}
	if failed && f.Stage != transcript.Unstaged && !b.has(transcript.Banner) && !slices.Contains(res.Implied, transcript.Banner) && f.Stage != transcript.Resolve && f.Stage != transcript.Connect {
		out = append(out, "the server's banner is not shown")
	}
	if res.Input.Plan.TLS == transcript.StartTLS && !res.Input.Plan.HELO && !b.saw[transcript.TLS] && !b.saw[transcript.STARTTLS] && reachedPast(t, transcript.EHLO) {
		out = append(out, "it does not show STARTTLS or a TLS handshake: whether the session was encrypted is unknown")
	}
	if len(t.Capabilities) == 0 && len(t.CapabilitiesTLS) == 0 && !res.Input.Plan.HELO && reachedPast(t, transcript.Banner) {
		out = append(out, "the EHLO capabilities are not shown (STARTTLS and AUTH offers cannot be checked)")
	}
	if !b.has(transcript.Data) && (!failed || f.Stage == transcript.Data) {
		out = append(out, "no message was sent in the capture: there is nothing to look up in message trace (checklist step 6)")
	}
	if f.Stage == transcript.Connect && f.Err != nil && strings.HasSuffix(strings.TrimSpace(f.Err.Text), ": Connect failed") {
		out = append(out, "Windows telnet's \"Connect failed\" does not say whether the connection timed out or was refused (read here as timed out)")
	}
	if f.Stage == transcript.Unstaged && f.Reply == nil {
		out = append(out, "the capture does not say which stage failed: the error names no command and no protocol lines show where the session was")
	} else if f.Stage == transcript.Unstaged {
		out = append(out, "the capture does not say which command the reply answered")
	}
	return out
}

// after lists the stages of t's plan after stage that were not shown.
func after(t *transcript.Transcript, stage transcript.Stage) []transcript.Stage {
	var out []transcript.Stage
	seen := false
	for _, s := range t.Stages {
		if seen && s.Status == transcript.Skip && s.Stage != transcript.Quit {
			out = append(out, s.Stage)
		}
		if s.Stage == stage {
			seen = true
		}
	}
	return out
}

// envelopeGap warns when the capture stops before RCPT TO, where
// reputation, policy and recipient refusals show (checklist step 5).
func envelopeGap(rest []transcript.Stage) string {
	if slices.Contains(rest, transcript.Rcpt) {
		return " (it stops before RCPT TO, so IP reputation, tenant policy and recipient refusals are not ruled out: connection is not acceptance)"
	}
	return ""
}

// reachedPast: some stage after stage ran.
func reachedPast(t *transcript.Transcript, stage transcript.Stage) bool {
	seen := false
	for _, s := range t.Stages {
		if seen && s.Status != transcript.Skip && s.Stage != transcript.Unstaged {
			return true
		}
		if s.Stage == stage {
			seen = true
		}
	}
	return false
}
