package golden

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/transcript"
)

// dottedQuad is an IPv4 address as the normaliser must never leave one.
var dottedQuad = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)

// FuzzNormalize feeds arbitrary server lines (banner, EHLO reply, any
// reply) through Normalize and Render. They must not panic, must be pure
// (same input, same output), keep every line's direction and stage, leave
// no IPv4 address and no line break that was not there, and render one
// golden line per protocol line. Seeds: testdata/fuzz-normalize, three
// lines per file.
func FuzzNormalize(f *testing.F) {
	files, err := filepath.Glob("testdata/fuzz-normalize/*.txt")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/fuzz-normalize: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		l := strings.SplitN(strings.TrimSuffix(string(b), "\n"), "\n", 3)
		for len(l) < 3 {
			l = append(l, "")
		}
		f.Add(l[0], l[1], l[2])
	}
	f.Fuzz(func(t *testing.T, banner, ehlo, reply string) {
		in := []transcript.Line{
			{Dir: transcript.Server, Stage: "banner", Text: banner},
			{Dir: transcript.Client, Stage: "ehlo", Text: "EHLO mfp.contoso.test"},
			{Dir: transcript.Server, Stage: "ehlo", Text: ehlo},
			{Dir: transcript.Client, Stage: "rcpt", Text: "RCPT TO:<a@contoso.com>"},
			{Dir: transcript.Server, Stage: "rcpt", Text: reply},
		}
		out := Normalize(in)
		if again := Normalize(in); !reflect.DeepEqual(out, again) {
			t.Fatalf("Normalize is not deterministic: %q vs %q", out, again)
		}
		if len(out) != len(in) {
			t.Fatalf("Normalize returned %d lines for %d", len(out), len(in))
		}
		for i, l := range out {
			if l.Dir != in[i].Dir || l.Stage != in[i].Stage || l.At != 0 {
				t.Errorf("line %d changed direction, stage or kept its offset: %+v", i, l)
			}
			if dottedQuad.MatchString(l.Text) {
				t.Errorf("line %d keeps an IPv4 address: %q (from %q)", i, l.Text, in[i].Text)
			}
			if !strings.ContainsAny(in[i].Text, "\r\n") && strings.ContainsAny(l.Text, "\r\n") {
				t.Errorf("line %d gained a line break: %q", i, l.Text)
			}
		}
		if strings.ContainsAny(banner+ehlo+reply, "\r\n") {
			return // a transcript line never holds one (the client escapes them)
		}
		tr := &transcript.Transcript{Site: "fuzz", Method: "submission", Lines: in, Stages: []transcript.StageResult{
			{Stage: "banner", Status: transcript.Pass}, {Stage: "ehlo", Status: transcript.Pass},
			{Stage: "rcpt", Status: transcript.Fail, Reply: &transcript.Reply{Code: 550, Lines: []string{reply}}},
		}}
		g := strings.Split(strings.TrimSuffix(string(Render(tr)), "\n"), "\n")
		if want := 1 + len(in) + len(tr.Stages); len(g) != want {
			t.Fatalf("golden has %d lines, want %d:\n%s", len(g), want, strings.Join(g, "\n"))
		}
		for _, l := range g {
			if !strings.HasPrefix(l, "# ") && !strings.HasPrefix(l, "C: ") && !strings.HasPrefix(l, "S: ") && !strings.HasPrefix(l, "= ") {
				t.Errorf("golden line without a known prefix: %q", l)
			}
		}
	})
}
