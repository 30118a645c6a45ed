package golden

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// Render returns the golden text of t: a header, then for each stage in
// order its protocol lines ("C: ", "S: "), the TLS facts after the tls
// stage ("T: "), the message trace statuses after the trace stage ("M: "),
// and one result line ("= stage status detail"). t must
// already be redacted; Render normalises it. Durations, timestamps and
// addresses never appear, so the same server behaviour renders the same
// bytes.
func Render(t *transcript.Transcript) []byte { return RenderWith(t, Options{}) }

// RenderWith is Render with a site's golden options: the detail level and
// the user's redaction rules (run after the built-in scrubbers). With the
// zero Options it returns exactly what Render returns.
func RenderWith(t *transcript.Transcript, o Options) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# smtpspec transcript: site %q, method %s\n", t.Site, t.Method)
	if o.Detail == Codes {
		// Says why reply texts are missing, so a reviewer does not look for them.
		b.WriteString("# detail: codes (commands, reply codes, enhanced codes, EHLO capabilities, TLS version)\n")
	}
	lines := Normalize(t.Lines)
	byStage := map[transcript.Stage][]transcript.Line{}
	for _, l := range lines {
		byStage[l.Stage] = append(byStage[l.Stage], l)
	}
	for _, st := range t.Stages {
		writeLines(&b, byStage[st.Stage], o)
		delete(byStage, st.Stage)
		if st.Stage == transcript.TLS && t.TLS != nil && st.Status != transcript.Skip {
			tl := TLSLine(t.TLS)
			if o.Detail == Codes {
				tl = t.TLS.Version
			}
			b.WriteString("T: " + o.apply(tl) + "\n")
		}
		if st.Stage == transcript.Trace && t.Trace != nil && st.Status != transcript.Skip {
			// The message trace status per recipient; never its ids or times.
			b.WriteString("M: " + o.apply(transcript.TraceLine(t.Trace)) + "\n")
		}
		b.WriteString("= " + ResultLine(st) + "\n")
	}
	// Lines recorded under a stage the plan does not list (should not
	// happen) still reach the golden, so nothing is silently dropped.
	var left []transcript.Line
	for _, l := range lines {
		if _, ok := byStage[l.Stage]; ok {
			left = append(left, l)
		}
	}
	writeLines(&b, left, o)
	return b.Bytes()
}

// writeLines writes one stage's protocol lines under o.
func writeLines(b *bytes.Buffer, lines []transcript.Line, o Options) {
	greeted := false // the first server line of an EHLO reply names the host, not a capability
	for _, l := range lines {
		text := l.Text
		if o.Detail == Codes {
			text = codes(l, isEHLOStage(l.Stage) && l.Dir == transcript.Server && greeted)
			if l.Dir == transcript.Server && isEHLOStage(l.Stage) {
				greeted = true
			}
		}
		fmt.Fprintf(b, "%c: %s\n", l.Dir, o.apply(text))
	}
}

// ResultLine is the stable one-line result of a stage: "rcpt fail 550 5.7.606",
// "banner fail timeout", "resolve pass".
func ResultLine(st transcript.StageResult) string {
	parts := []string{string(st.Stage), string(st.Status)}
	switch {
	case st.Reply != nil:
		parts = append(parts, strconv.Itoa(st.Reply.Code))
		if st.Reply.Enhanced != "" {
			parts = append(parts, st.Reply.Enhanced)
		}
	case st.Err != nil:
		parts = append(parts, string(st.Err.Kind))
	}
	return strings.Join(parts, " ")
}

// TLSLine is the stable summary of the TLS facts: version, suite, whether
// the certificate verified, and its subject. Expiry dates are left out
// (they move as certificates are renewed; reports carry them).
func TLSLine(i *transcript.TLSInfo) string {
	parts := []string{i.Version, i.CipherSuite}
	if i.Verified {
		parts = append(parts, "verified")
	} else {
		parts = append(parts, "unverified")
	}
	if i.Subject != "" {
		parts = append(parts, "subject="+NormalizeText(i.Subject))
	}
	if i.Issuer != "" {
		parts = append(parts, "issuer="+NormalizeText(i.Issuer))
	}
	return strings.Join(parts, " ")
}
