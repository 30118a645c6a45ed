package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// Raw writes one site's transcript as it crossed the wire, to hand to
// Microsoft support: nothing is normalised (the front-end host names,
// dates, addresses and session ids that a support engineer looks up stay
// as the server sent them), every line has its UTC time and its offset
// from the start of the probe, and a header says when, from where and
// with which smtpspec the probe ran. Secrets stay redacted: the lines
// were redacted when recorded and are redacted again here.
//
// The lines are "[time +offset stage] S: text", so `smtpspec explain
// --transcript FILE` reads the file back (a bracketed prefix before S:/C:
// is a plain log line's timestamp to it).
type Raw struct {
	Run Run
}

// rawTime is a line's timestamp: UTC with milliseconds, as support tools
// and Exchange Online's own traces show times.
const rawTime = "2006-01-02T15:04:05.000Z07:00"

// Write writes r's raw transcript.
func (x Raw) Write(w io.Writer, r *runner.Result) error {
	var b strings.Builder
	x.header(&b, r)
	t := r.Transcript
	byStage := map[transcript.Stage][]transcript.Line{}
	for _, l := range t.Lines {
		byStage[l.Stage] = append(byStage[l.Stage], l)
	}
	for _, st := range t.Stages {
		for _, l := range byStage[st.Stage] {
			at := t.Started.Add(l.At)
			fmt.Fprintf(&b, "[%s +%.3fs %s] %c: %s\n", at.UTC().Format(rawTime), l.At.Seconds(), l.Stage, l.Dir, l.Text)
		}
		if st.Stage == transcript.TLS && t.TLS != nil && st.Status != transcript.Skip {
			fmt.Fprintf(&b, "T: %s\n", tlsFacts(t.TLS))
		}
		b.WriteString("= " + rawResult(st) + "\n")
	}
	// The lines, notes and errors were redacted when the probe recorded
	// them; the whole text is redacted again, header included.
	out := transcript.RedactString(b.String(), transcript.SecretForms(r.Site.Secrets()))
	if _, err := io.WriteString(w, out); err != nil {
		return fmt.Errorf("raw transcript of %s: %w", r.Site.Name, err)
	}
	return nil
}

// header is what a support engineer asks first: when (UTC), from which
// address, to which endpoint, with which TLS, and what came of it.
func (x Raw) header(b *strings.Builder, r *runner.Result) {
	t := r.Transcript
	fmt.Fprintf(b, "# smtpspec raw transcript: site %q, method %s (unnormalised, for Microsoft support)\n", r.Site.Name, r.Site.Method)
	b.WriteString("# secrets are redacted (<redacted>); host names, dates, addresses and ids are as the server sent them; times are UTC\n")
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(b, "# %-12s %s\n", name, value)
		}
	}
	if !t.Started.IsZero() {
		field("probe start", t.Started.UTC().Format(rawTime))
	}
	field("smtpspec", x.Run.Build.String())
	field("runner host", x.Run.Host)
	target := t.Target
	if a := t.Stage(transcript.Connect).Addr; a != "" {
		target += " (connected to " + a + ")"
	}
	field("target", target)
	if ip := runner.EgressIP(t); ip != "" {
		field("egress IP", ip+" (as the server saw it: its EHLO reply)")
	}
	if i := t.TLS; i != nil {
		field("TLS", tlsFacts(i))
	}
	field("run token", t.Token)
	field("status", string(r.Status)+": "+r.Verdict.Line())
	if t.Duration > 0 {
		field("duration", t.Duration.Round(time.Millisecond).String())
	}
}

// tlsFacts are the handshake's facts as they were: version, suite,
// verification, the certificate's subject, issuer, names and expiry
// (golden.TLSLine normalises them and leaves the expiry out).
func tlsFacts(i *transcript.TLSInfo) string {
	verified := "unverified"
	if i.Verified {
		verified = "verified"
	}
	s := strings.Join([]string{i.Version, i.CipherSuite, verified}, " ")
	if i.Subject != "" {
		s += ", subject " + i.Subject
	}
	if i.Issuer != "" {
		s += ", issuer " + i.Issuer
	}
	if len(i.SANs) > 0 {
		s += ", names " + strings.Join(i.SANs, " ")
	}
	if !i.NotAfter.IsZero() {
		s += ", valid until " + i.NotAfter.UTC().Format(time.RFC3339)
	}
	if i.VerifyError != "" {
		s += ", verification: " + i.VerifyError
	}
	return s
}

// rawResult is a stage's result line with what the golden leaves out:
// its duration, the error's words and the probe's note.
func rawResult(st transcript.StageResult) string {
	s := golden.ResultLine(st)
	if st.Status != transcript.Skip || st.Duration > 0 {
		s += fmt.Sprintf(" (%.1f ms)", float64(st.Duration.Microseconds())/1000)
	}
	if st.Err != nil && st.Err.Text != "" {
		s += ": " + st.Err.Text
	}
	if st.Note != "" {
		s += " [" + st.Note + "]"
	}
	return s
}
