package transcript

import (
	"encoding/base64"
	"net/url"
	"strings"
)

// Redacted replaces a secret or an AUTH payload in every transcript line.
const Redacted = "<redacted>"

// Redact returns lines with every occurrence of every secret replaced by
// Redacted: plain, base64 (standard and raw), and URL-encoded forms. It is
// the second line of defence; the recording client never records AUTH
// payloads in the first place. Secrets shorter than 4 bytes are ignored
// (they would erase ordinary text and protect nothing).
func Redact(lines []Line, secrets []string) []Line {
	forms := SecretForms(secrets)
	if len(forms) == 0 {
		return lines
	}
	out := make([]Line, len(lines))
	for i, l := range lines {
		l.Text = RedactString(l.Text, forms)
		out[i] = l
	}
	return out
}

// RedactString replaces every form in s with Redacted.
func RedactString(s string, forms []string) string {
	for _, f := range forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Redacted)
		}
	}
	return s
}

// SecretForms returns the spellings of each secret that could appear on
// the wire or in a log, longest first.
func SecretForms(secrets []string) []string {
	var forms []string
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		forms = append(forms, s,
			base64.StdEncoding.EncodeToString([]byte(s)),
			base64.RawStdEncoding.EncodeToString([]byte(s)),
			url.QueryEscape(s))
	}
	// Longest first so that a form containing another is replaced whole.
	for i := 1; i < len(forms); i++ {
		for j := i; j > 0 && len(forms[j]) > len(forms[j-1]); j-- {
			forms[j], forms[j-1] = forms[j-1], forms[j]
		}
	}
	return forms
}
