package transcript

import (
	"errors"
	"regexp"
	"testing"
)

func TestParseReplyLine(t *testing.T) {
	cases := []struct {
		line  string
		code  int
		final bool
		text  string
		err   error
	}{
		{"250 2.1.5 Recipient OK", 250, true, "2.1.5 Recipient OK", nil},
		{"250-SIZE 157286400", 250, false, "SIZE 157286400", nil},
		{"250", 250, true, "", nil},
		{"550 ", 550, true, "", nil},
		{"199 x", 199, true, "x", &CodeError{199}},
		{"600-x", 600, false, "x", &CodeError{600}},
		{"25", 0, false, "", ErrNotReplyLine},
		{"220****", 0, false, "", ErrNotReplyLine},
		{"2x0 OK", 0, false, "", ErrNotReplyLine},
		{"250\tOK", 0, false, "", ErrNotReplyLine},
	}
	for _, tc := range cases {
		code, final, text, err := ParseReplyLine(tc.line)
		var ce *CodeError
		switch {
		case tc.err == ErrNotReplyLine && !errors.Is(err, ErrNotReplyLine),
			tc.err == nil && err != nil,
			tc.err != nil && tc.err != ErrNotReplyLine && (!errors.As(err, &ce) || ce.Code != tc.code):
			t.Errorf("ParseReplyLine(%q) error %v, want %v", tc.line, err, tc.err)
		case tc.err != ErrNotReplyLine && (code != tc.code || final != tc.final || text != tc.text):
			t.Errorf("ParseReplyLine(%q) = %d %v %q, want %d %v %q", tc.line, code, final, text, tc.code, tc.final, tc.text)
		}
		if _, _, b, _ := ParseReplyLine([]byte(tc.line)); string(b) != text {
			t.Errorf("ParseReplyLine([]byte(%q)) text %q, want %q as for the string", tc.line, b, text)
		}
	}
}

// The enhanced-code reader is RFC 3463's grammar followed by a space or
// the end (RFC 2034), with Cisco's "#"; the expression is its definition.
var enhancedGrammar = regexp.MustCompile(`^#?([245])\.(\d{1,3})\.(\d{1,3})(?:\s|$)`)

func TestParseEnhancedFollowsTheGrammar(t *testing.T) {
	for _, s := range []string{"5.7.606 Access denied", "#5.5.1 Invalid command", "2.0.0", "4.4.2\tx", "5.7.1: Relay",
		"5.7.1234 x", "5.1234.5 x", "6.0.0 x", "5.7 x", "5..1 x", "5.7.", "#", "", "55.7.1 x", "5.7.1x", "5.07.001 x",
		"5.7.57\n", "5.7.57\r", "x5.7.1", "2.1.5 Recipient OK"} {
		want := ""
		if m := enhancedGrammar.FindStringSubmatch(s); m != nil {
			want = m[1] + "." + m[2] + "." + m[3]
		}
		if got := ParseEnhanced(s); got != want {
			t.Errorf("ParseEnhanced(%q) = %q, want %q", s, got, want)
		}
	}
	if !ValidEnhanced("5.7.606") || ValidEnhanced("#5.5.1") || ValidEnhanced("5.7.606 x") || ValidEnhanced("") {
		t.Error("ValidEnhanced accepts only a code alone")
	}
}

func FuzzParseEnhanced(f *testing.F) {
	f.Add("5.7.606 Access denied")
	f.Add("#5.5.1")
	f.Fuzz(func(t *testing.T, s string) {
		want := ""
		if m := enhancedGrammar.FindStringSubmatch(s); m != nil {
			want = m[1] + "." + m[2] + "." + m[3]
		}
		if got := ParseEnhanced(s); got != want {
			t.Errorf("ParseEnhanced(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestCapabilities(t *testing.T) {
	caps := Capabilities{"SIZE 157286400", "PIPELINING", "AUTH LOGIN XOAUTH2", "AUTH=PLAIN", "8BITMIME"}
	if !caps.Has("auth") || !caps.Has("pipelining") || caps.Has("STARTTLS") {
		t.Error("Has: keywords are case-insensitive, parameters ignored")
	}
	if p, ok := caps.Params("SIZE"); !ok || p != "157286400" {
		t.Errorf("Params(SIZE) = %q, %v", p, ok)
	}
	if got := caps.AuthMechanisms(); len(got) != 3 || got[0] != "LOGIN" || got[2] != "PLAIN" {
		t.Errorf("AuthMechanisms() = %v, want LOGIN XOAUTH2 PLAIN", got)
	}
	if !(Capabilities{"AUTH=LOGIN"}).OffersAuth() || (Capabilities{"STARTTLS"}).OffersAuth() {
		t.Error("OffersAuth: AUTH in either form")
	}
	r := &Reply{Code: 250, Lines: []string{"host Hello", "size 10", "starttls"}}
	if got := r.Capabilities(); len(got) != 2 || got[0] != "SIZE 10" || got[1] != "STARTTLS" {
		t.Errorf("Reply.Capabilities() = %v", got)
	}
}
