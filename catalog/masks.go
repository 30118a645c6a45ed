package catalog

import (
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// Firewall signs: what an SMTP-inspecting middlebox leaves in a plaintext
// session (FACTS.md 7.1, 7.2), found by the catalog rows that show them.

// Sign is a firewall sign found in the transcript.
type Sign struct {
	Entry *Entry // the catalog row that explains it
	Stage transcript.Stage
	Reply *transcript.Reply
	Line  string // the exact line that shows it
}

// MaskedBanner finds a banner masked by Cisco PIX/ASA Mailguard or
// "inspect esmtp" (catalog row banner-masked). A masked banner may not
// even parse ("220****..." has no space after the code), so the raw
// server lines are searched too.
func MaskedBanner(t *transcript.Transcript) (Sign, bool) {
	r := t.Stage(transcript.Banner)
	if r.Reply != nil {
		if e := Match(transcript.Banner, r.Reply); e != nil && e.Category == Firewall && e.Stage == transcript.Banner {
			return Sign{Entry: e, Stage: transcript.Banner, Reply: r.Reply, Line: r.Reply.Line()}, true
		}
	}
	e := Lookup("banner-masked")
	for _, l := range t.ServerLines(transcript.Banner) {
		if e != nil && e.Pattern.MatchString(afterCode(l)) {
			return Sign{Entry: e, Stage: transcript.Banner, Reply: r.Reply, Line: l}, true
		}
	}
	return Sign{}, false
}

// MaskedEHLO finds STARTTLS masked as XXXXXXXA in the plaintext EHLO list
// (catalog row ehlo-masked-starttls).
func MaskedEHLO(t *transcript.Transcript) (Sign, bool) {
	e := Lookup("ehlo-masked-starttls")
	if e == nil || t.AfterTLS(transcript.EHLO) {
		return Sign{}, false
	}
	r := t.Stage(transcript.EHLO)
	for _, c := range t.PlaintextCapabilities() {
		if e.Pattern.MatchString(c) {
			return Sign{Entry: e, Stage: transcript.EHLO, Reply: r.Reply, Line: rawLine(t, transcript.EHLO, c, "250 "+c)}, true
		}
	}
	if r.Reply != nil && Match(transcript.EHLO, r.Reply) == e {
		return Sign{Entry: e, Stage: transcript.EHLO, Reply: r.Reply, Line: rawLine(t, transcript.EHLO, "XXXX", r.Reply.Line())}, true
	}
	return Sign{}, false
}

// MicrosoftBanner reports a banner the catalog knows as Microsoft's.
func MicrosoftBanner(t *transcript.Transcript) bool {
	r := t.Stage(transcript.Banner)
	if r.Reply == nil {
		return false
	}
	e := Match(transcript.Banner, r.Reply)
	return e != nil && e.Category == OK && e.Stage == transcript.Banner
}

// rawLine returns the server line at stage that contains s, or fallback.
func rawLine(t *transcript.Transcript, stage transcript.Stage, s, fallback string) string {
	for _, l := range t.ServerLines(stage) {
		if strings.Contains(l, s) {
			return l
		}
	}
	return fallback
}

// afterCode strips a leading reply code and its separator ("220-", "220 ").
func afterCode(line string) string {
	if len(line) >= 3 && isDigits(line[:3]) {
		return strings.TrimLeft(line[3:], " -")
	}
	return line
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
