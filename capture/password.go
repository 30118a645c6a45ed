package capture

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"html"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password is what the capture says about a password the device sent:
// properties only, never the value. FACTS.md 8: older MFPs mishandle
// special characters in passwords; Microsoft 365 compares the password as
// entered, so a device that adds a space or drops a character fails with
// 535 5.7.139 "the user credentials were incorrect" (catalog row
// auth-bad-credentials).
type Password struct {
	Length        int  `json:"length"` // characters
	Bytes         int  `json:"bytes"`
	LeadingSpace  bool `json:"leading_whitespace"`
	TrailingSpace bool `json:"trailing_whitespace"`
	NonASCII      bool `json:"non_ascii"`
	NonLatin1     bool `json:"non_latin1"`
	NotUTF8       bool `json:"not_utf8"`
	Control       bool `json:"control_characters"`
	// MangleProne are the characters in it that printers' web forms and
	// firmware are known to mangle (HTML or URL escaping, shell quoting).
	MangleProne []string `json:"mangle_prone,omitempty"`
	// Match compares it with --expect-password-env: MatchYes, MatchNo, or
	// what differs; "" without an expected password.
	Match string `json:"matches_expected,omitempty"`
	// DigestOnly: CRAM-MD5 sends a digest, not the password, so only Match
	// is known.
	DigestOnly bool `json:"digest_only,omitempty"`
}

// mangleProne are the characters printers are known to mangle.
const mangleProne = `&<>"'%+#\`

// Results of the comparison with the expected password.
const (
	MatchYes = "yes"
	MatchNo  = "no"
)

// describePassword reads the properties of p and, if expected is set,
// compares it in constant time. It keeps nothing of p.
func describePassword(p, expected []byte) *Password {
	d := &Password{Bytes: len(p), Length: utf8.RuneCount(p), NotUTF8: !utf8.Valid(p)}
	if len(p) > 0 {
		first, _ := utf8.DecodeRune(p)
		last, _ := utf8.DecodeLastRune(p)
		d.LeadingSpace, d.TrailingSpace = unicode.IsSpace(first), unicode.IsSpace(last)
	}
	for _, r := range string(p) {
		d.NonASCII = d.NonASCII || r > unicode.MaxASCII
		d.NonLatin1 = d.NonLatin1 || r > unicode.MaxLatin1
		d.Control = d.Control || unicode.IsControl(r)
	}
	for _, c := range mangleProne {
		if bytes.ContainsRune(p, c) {
			d.MangleProne = append(d.MangleProne, string(c))
		}
	}
	if expected != nil {
		d.Match = compare(p, expected)
	}
	return d
}

// equal compares two secrets in constant time whatever their lengths:
// ConstantTimeCompare returns at once on a length mismatch, so it is
// given their SHA-256 digests instead.
func equal(a, b []byte) bool {
	ha, hb := sha256.Sum256(a), sha256.Sum256(b)
	ok := subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
	clear(ha[:])
	clear(hb[:])
	return ok
}

// compare says whether got is the expected password and, when it is not,
// which common device mistake explains the difference. Every variant is
// compared, whatever an earlier one found, so the time taken does not say
// which matched; every copy made is wiped.
func compare(got, expected []byte) string {
	variants := []struct {
		what string
		want []byte
	}{
		{MatchYes, bytes.Clone(expected)},
		{"no: they differ only in whitespace at the start or end (an extra space in the device's entry, or in the expected value pasted into the variable)", []byte(strings.TrimSpace(string(expected)))},
		{"no: the device sends it HTML-escaped (&amp; for &): its web form mangles special characters", []byte(html.EscapeString(string(expected)))},
		{"no: the device sends it URL-encoded (%26 for &, + for space): its web form mangles special characters", []byte(url.QueryEscape(string(expected)))},
		{"no: the device sends its non-ASCII characters in Latin-1, not UTF-8", latin1(expected)},
		{"no: only the letter case differs (Caps Lock, or a device that changes case)", bytes.ToLower(expected)},
	}
	trimmedGot := []byte(strings.TrimSpace(string(got)))
	lowerGot := bytes.ToLower(got)
	found := MatchNo
	for i, v := range variants {
		g := got
		switch i {
		case 1:
			g = trimmedGot
		case 5:
			g = lowerGot
		}
		if v.want != nil && equal(g, v.want) && found == MatchNo {
			found = v.what
		}
		clear(v.want)
	}
	if len(got) > 0 && len(got) < len(expected) && equal(got, expected[:len(got)]) && found == MatchNo {
		found = fmt.Sprintf("no: the device sends only the first %d characters (its password field is likely limited to %d)", utf8.RuneCount(got), utf8.RuneCount(got))
	}
	clear(trimmedGot)
	clear(lowerGot)
	return found
}

// latin1 is expected encoded as ISO 8859-1, or nil when it has characters
// Latin-1 cannot hold or none above ASCII (then it equals expected).
func latin1(expected []byte) []byte {
	out := make([]byte, 0, len(expected))
	wide := false
	for _, r := range string(expected) {
		if r > unicode.MaxLatin1 {
			clear(out)
			return nil
		}
		wide = wide || r > unicode.MaxASCII
		out = append(out, byte(r))
	}
	if !wide {
		clear(out)
		return nil
	}
	return out
}
