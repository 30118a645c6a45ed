package golden

import (
	"fmt"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/transcript"
)

// benchTranscript is a submission probe as Microsoft 365 answers it: the
// lines Normalize and Render see on every site of a fleet.
func benchTranscript() *transcript.Transcript {
	l := func(stage string, dir transcript.Direction, text string) transcript.Line {
		return transcript.Line{Stage: stage, Dir: dir, Text: text}
	}
	caps := []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "AUTH LOGIN XOAUTH2", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}
	ehlo := func(stage string) []transcript.Line {
		out := []transcript.Line{l(stage, transcript.Client, "EHLO mfp-3f.contoso.local"),
			l(stage, transcript.Server, "250-BY1PR10CA0041.outlook.office365.com Hello [203.0.113.7]")}
		for i, c := range caps {
			sep := "-"
			if i == len(caps)-1 {
				sep = " "
			}
			out = append(out, l(stage, transcript.Server, "250"+sep+c))
		}
		return out
	}
	lines := []transcript.Line{l("banner", transcript.Server,
		"220 BY1PR10CA0041.outlook.office365.com Microsoft ESMTP MAIL Service ready at Sun, 13 Oct 2024 16:12:02 +0000 [08DCEB746BAC29D2]")}
	lines = append(lines, ehlo("ehlo")...)
	lines = append(lines, l("starttls", transcript.Client, "STARTTLS"), l("starttls", transcript.Server, "220 2.0.0 SMTP server ready"))
	lines = append(lines, ehlo("ehlo_tls")...)
	lines = append(lines,
		l("auth", transcript.Client, "AUTH LOGIN"), l("auth", transcript.Server, "334 VXNlcm5hbWU6"),
		l("auth", transcript.Client, transcript.Redacted), l("auth", transcript.Server, "334 UGFzc3dvcmQ6"),
		l("auth", transcript.Client, transcript.Redacted),
		l("auth", transcript.Server, "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [MN2PR05CA0004.namprd05.prod.outlook.com 2023-09-12T20:59:57.214Z 08DBB276B7E699C4]"),
		l("quit", transcript.Client, "QUIT"), l("quit", transcript.Server, "221 2.0.0 Service closing transmission channel"))
	stages := []transcript.StageResult{{Stage: "resolve", Status: transcript.Pass}, {Stage: "connect", Status: transcript.Pass}}
	for _, s := range []string{"banner", "ehlo", "starttls", "tls", "ehlo_tls"} {
		stages = append(stages, transcript.StageResult{Stage: s, Status: transcript.Pass, Reply: &transcript.Reply{Code: 250}})
	}
	stages = append(stages, transcript.StageResult{Stage: "auth", Status: transcript.Fail,
		Reply: &transcript.Reply{Code: 535, Enhanced: "5.7.139", Lines: []string{"5.7.139 Authentication unsuccessful"}}},
		transcript.StageResult{Stage: "mail", Status: transcript.Skip}, transcript.StageResult{Stage: "rcpt", Status: transcript.Skip},
		transcript.StageResult{Stage: "quit", Status: transcript.Pass, Reply: &transcript.Reply{Code: 221}})
	return &transcript.Transcript{Site: "contoso-hq-mfp", Method: "submission", Lines: lines, Stages: stages,
		TLS: &transcript.TLSInfo{Version: "TLS 1.3", CipherSuite: "TLS_AES_256_GCM_SHA384"}}
}

// BenchmarkNormalize scrubs one probe's lines (about 30, each through
// every scrubber): the normaliser's cost per site.
func BenchmarkNormalize(b *testing.B) {
	lines := benchTranscript().Lines
	b.ReportAllocs()
	for b.Loop() {
		Normalize(lines)
	}
}

// BenchmarkRender is Normalize plus the golden text of one site.
func BenchmarkRender(b *testing.B) {
	t := benchTranscript()
	b.ReportAllocs()
	for b.Loop() {
		Render(t)
	}
}

// BenchmarkCompare compares one site's golden with the stored one:
// "same" is the common case of a fleet run, "drift" builds the diff.
func BenchmarkCompare(b *testing.B) {
	stored := Render(benchTranscript())
	drifted := []byte(strings.Replace(string(stored), "535 5.7.139", "535 5.7.3", 1))
	for _, bc := range []struct {
		name string
		got  []byte
	}{{"same", append([]byte(nil), stored...)}, {"drift", drifted}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Compare(stored, bc.got)
			}
		})
	}
}

// BenchmarkCompare1000 reads and compares 1,000 stored goldens from disk,
// as `smtpspec run` does for a fleet of 1,000 sites.
func BenchmarkCompare1000(b *testing.B) {
	st := Store{Dir: b.TempDir()}
	got := Render(benchTranscript())
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("site-%04d", i)
		if err := st.Write(names[i], got); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			stored, err := st.Read(n)
			if err != nil {
				b.Fatal(err)
			}
			if Compare(stored, got) != nil {
				b.Fatal("unexpected drift")
			}
		}
	}
}
