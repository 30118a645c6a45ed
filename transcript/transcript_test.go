package transcript

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestParseEnhanced(t *testing.T) {
	tests := []struct{ in, want string }{
		{"5.7.606 Access denied", "5.7.606"},
		{"2.1.5 Recipient OK", "2.1.5"},
		{"#5.5.1 command not recognized", "5.5.1"}, // Cisco ESA writes a hash
		{"4.7.500 Server busy", "4.7.500"},
		{"5.7.139", "5.7.139"},
		{"Authentication unsuccessful", ""},
		{"6.1.1 not a class", ""},
		{"5.7.1234 too long", ""},
		{"5.7.1x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ParseEnhanced(tt.in); got != tt.want {
			t.Errorf("ParseEnhanced(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReply(t *testing.T) {
	r := &Reply{Code: 550, Enhanced: "5.7.606", Lines: []string{"5.7.606 Access denied,", "banned sending IP"}}
	if r.Line() != "550 5.7.606 Access denied," || r.Text() != "5.7.606 Access denied, banned sending IP" {
		t.Errorf("Line %q Text %q", r.Line(), r.Text())
	}
	if r.Class() != 5 || r.Positive() {
		t.Errorf("Class %d Positive %v", r.Class(), r.Positive())
	}
	var err error = r
	var got *Reply
	if !errors.As(err, &got) || got.Code != 550 {
		t.Error("a Reply used as an error does not give its code back through errors.As")
	}
	if (&Reply{Code: 334}).Line() != "334" {
		t.Error("a reply without text renders its code alone")
	}
}

func TestRedact(t *testing.T) {
	secret := "hunter2-very-secret"
	lines := []Line{
		{Dir: Server, Text: "535 5.7.3 you said " + secret},
		{Dir: Server, Text: "334 " + base64.StdEncoding.EncodeToString([]byte(secret))},
		{Dir: Server, Text: "x " + base64.RawStdEncoding.EncodeToString([]byte(secret)) + " y"},
		{Dir: Client, Text: "GET /?p=hunter2-very-secret"},
		{Dir: Server, Text: "250 OK"},
	}
	out := Redact(lines, []string{secret, "ab"}) // "ab" is too short to redact
	for _, l := range out {
		if strings.Contains(l.Text, secret) || strings.Contains(l.Text, base64.RawStdEncoding.EncodeToString([]byte(secret))) {
			t.Errorf("secret left in %q", l.Text)
		}
	}
	if out[4].Text != "250 OK" || !strings.Contains(out[0].Text, Redacted) {
		t.Errorf("Redact changed too much or too little: %q", out)
	}
	if lines[0].Text == out[0].Text {
		t.Error("Redact modified its input instead of returning a copy")
	}
}

func TestTranscriptStages(t *testing.T) {
	tr := &Transcript{Stages: []StageResult{
		{Stage: "banner", Status: Pass},
		{Stage: "ehlo", Status: Fail, Err: &Error{Kind: KindTimeout, Text: "no reply within 2s"}},
		{Stage: "quit", Status: Skip},
	}}
	if f, ok := tr.Failed(); !ok || f.Stage != "ehlo" || f.Evidence() != "timeout: no reply within 2s" {
		t.Errorf("Failed() = %+v, %v", f, ok)
	}
	if !tr.Reached("banner") || tr.Reached("quit") || tr.Reached("rcpt") {
		t.Error("Reached is wrong")
	}
	if tr.Stage("rcpt").Status != Skip {
		t.Error("an absent stage should read as skipped")
	}
}
