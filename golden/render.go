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
// stage ("T: "), and one result line ("= stage status detail"). t must
// already be redacted; Render normalises it. Durations, timestamps and
// addresses never appear, so the same server behaviour renders the same
// bytes.
func Render(t *transcript.Transcript) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# smtpspec transcript: site %q, method %s\n", t.Site, t.Method)
	lines := Normalize(t.Lines)
	byStage := map[string][]transcript.Line{}
	for _, l := range lines {
		byStage[l.Stage] = append(byStage[l.Stage], l)
	}
	for _, st := range t.Stages {
		for _, l := range byStage[st.Stage] {
			fmt.Fprintf(&b, "%c: %s\n", l.Dir, l.Text)
		}
		delete(byStage, st.Stage)
		if st.Stage == "tls" && t.TLS != nil && st.Status != transcript.Skip {
			b.WriteString("T: " + TLSLine(t.TLS) + "\n")
		}
		b.WriteString("= " + ResultLine(st) + "\n")
	}
	// Lines recorded under a stage the plan does not list (should not
	// happen) still reach the golden, so nothing is silently dropped.
	for _, l := range lines {
		if _, left := byStage[l.Stage]; left {
			fmt.Fprintf(&b, "%c: %s\n", l.Dir, l.Text)
		}
	}
	return b.Bytes()
}

// ResultLine is the stable one-line result of a stage: "rcpt fail 550 5.7.606",
// "banner fail timeout", "resolve pass".
func ResultLine(st transcript.StageResult) string {
	parts := []string{st.Stage, string(st.Status)}
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
