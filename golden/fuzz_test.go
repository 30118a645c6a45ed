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
// reply) through Normalize and Render. No scrubber's prefilter may reject
// a line its expression matches. They must not panic, must be pure
// (same input, same output) and idempotent, keep every line's direction and stage, leave
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
		for _, text := range []string{banner, ehlo, reply} {
			checkPrefilters(t, text)
		}
		out := Normalize(in)
		if again := Normalize(in); !reflect.DeepEqual(out, again) {
			t.Fatalf("Normalize is not deterministic: %q vs %q", out, again)
		}
		if twice := Normalize(out); !reflect.DeepEqual(out, twice) {
			t.Fatalf("Normalize is not idempotent:\n once  %q\n twice %q", out, twice)
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

// checkPrefilters fails when a scrubber's prefilter (scrubber.may) turns
// away a line its expression matches, at any step of NormalizeText.
func checkPrefilters(t *testing.T, s string) {
	t.Helper()
	s = s[len(replyPrefix(s)):]
	for i, sc := range scrubbers {
		if sc.re.MatchString(s) && !sc.may(s) {
			t.Errorf("scrubber %d (%s): prefilter rejects %q, which it matches", i, sc.re, s)
		}
		s = sc.re.ReplaceAllString(s, sc.repl)
	}
}

// TestScrubberPrefilters: every line of the stored goldens' sources and a
// set of edge cases pass each prefilter whenever the expression matches,
// and the prefilters do turn lines away (they are not all "true").
func TestScrubberPrefilters(t *testing.T) {
	lines := []string{
		"250-BY1PR10CA0041.outlook.office365.com Hello [203.0.113.7]",
		"220 SN1NAM02FT0049.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Mon, 1 Jun 2015 12:00:00 +0000",
		"550 5.7.1 Service unavailable; Client host [198.51.100.9] blocked using Spamhaus",
		"421 4.3.2 Service not available [MN2PR05CA0004.namprd05.prod.OUTLOOK.COM 2023-09-12T20:59:57.214Z 08DBB2A1F8C7B5D3]",
		"250 2.0.0 OK <smtpspec-0123456789abcdef@contoso.com> [InternalId=123, Hostname=X]",
		"250 2.0.0 Ok: QUEUED AS 4Xm3Yk0Jq5z1",
		"250-mx.contoso.test Hello [IPv6:2001:db8::1]",
		"250 mx.example Hello [::1]",
		"220 mx.outloo\u212a.com ESMTP", // Kelvin sign: (?i) folds it to k
		"250 ſmtp OK",
		"250 2.1.5 Recipient OK",
		"250 2.6.0 <39ae3efa-2283-44e5-8733-80226f6fea73@mtasv.net> [InternalId=7619272024915, Hostname=SY4P282MB1257.AUSP282.PROD.OUTLOOK.COM] 48435 bytes in 0.160, 294.858 KB/sec Queued mail for delivery",
		"554 5.2.0 STOREDRV; Cannot submit message. 16.55847:69000000, 17.43559:0000000020010000000000000000000000000000",
		"554 5.2.0 x 1.2:0123456789ABCDEF, 3.4:<TOKEN>", // a counter that is a token
		"550 5.7.509 [mx.relay.example 2025-06-23T20:38:28.040Z 08DDB2564DE36667]",
		"220 contoso-com.o-v1.MX.MICROSOFT ESMTP",
		"250 2.6.0 <20230910203057.5BBB918C6@host.example> queued",
		"ip 1.2.3.4 a1.2.3.4 1.2.3.4.5 1..2.3.4 .1.2.3.4. 255.255.255.255:25",
		"Sun, 13 Oct 2024 16:12:02 +0000 and XMon, 1 Jun 2015 12:00:00 GMT",
		"2023-09-12T20:59:57.214Z x2023-09-12T20:59:57Z 2023-9-12T20:59:57Z",
		"_08DBB276B7E699C4 08DBB276B7E699C4_ 08DBB276B7E699C4A 08dbb276b7e699c4 [08DBB276B7E699C4]",
		"",
	}
	for _, l := range lines {
		checkPrefilters(t, l)
	}
	rejected := 0
	for _, sc := range scrubbers {
		if !sc.may("250 2.1.5 Recipient OK") {
			rejected++
		}
	}
	if rejected < len(scrubbers)-1 {
		t.Errorf("only %d of %d prefilters turn away a plain reply", rejected, len(scrubbers))
	}
}

// FuzzCompare compares two goldens made of the fuzzer's lines: Compare
// must not panic, Diff must be Lines as text, every pair must point back,
// join a '-' with a '+', and its marks lie in its text, in order, on word
// boundaries.
func FuzzCompare(f *testing.F) {
	f.Add("S: 554 5.2.0 x\n= data fail 554 5.2.0", "S: 554 5.2.252 x\nS: extra\n= data fail 554 5.2.252")
	f.Add("a\nb\nc", "a\nB\nc\nd")
	f.Add("", "x")
	f.Add("one two three\nfour", "zero\none two 3\nfour five")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := Compare([]byte(a), []byte(b))
		if d == nil {
			if a != b {
				t.Fatalf("no drift for %q vs %q", a, b)
			}
			return
		}
		if d.Diff != formatDiff(d.Lines) {
			t.Fatalf("Diff is not Lines as text")
		}
		for i, l := range d.Lines {
			if l.Pair < 0 {
				if len(l.Marks) > 0 {
					t.Errorf("line %d has marks but no pair", i)
				}
				continue
			}
			p := d.Lines[l.Pair]
			if p.Pair != i || l.Op == p.Op || (l.Op != '-' && l.Op != '+') {
				t.Fatalf("line %d (%c) pairs with %d (%c), which pairs with %d", i, l.Op, l.Pair, p.Op, p.Pair)
			}
			at := 0
			for _, m := range l.Marks {
				if m.Start < at || m.End <= m.Start || m.End > len(l.Text) {
					t.Fatalf("line %d: mark %v out of order or bounds in %q", i, m, l.Text)
				}
				if (m.Start > 0 && l.Text[m.Start-1] != ' ') || (m.End < len(l.Text) && l.Text[m.End] != ' ') {
					t.Fatalf("line %d: mark %v is not on word boundaries in %q", i, m, l.Text)
				}
				at = m.End
			}
		}
		for _, c := range d.Changes() {
			c.WordDiff(8) // must not panic
		}
	})
}
