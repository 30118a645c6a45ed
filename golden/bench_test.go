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
	l := func(stage transcript.Stage, dir transcript.Direction, text string) transcript.Line {
		return transcript.Line{Stage: stage, Dir: dir, Text: text}
	}
	caps := []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "AUTH LOGIN XOAUTH2", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}
	ehlo := func(stage string) []transcript.Line {
		out := []transcript.Line{l(transcript.Stage(stage), transcript.Client, "EHLO mfp-3f.contoso.local"),
			l(transcript.Stage(stage), transcript.Server, "250-BY1PR10CA0041.outlook.office365.com Hello [203.0.113.7]")}
		for i, c := range caps {
			sep := "-"
			if i == len(caps)-1 {
				sep = " "
			}
			out = append(out, l(transcript.Stage(stage), transcript.Server, "250"+sep+c))
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
	for _, s := range []transcript.Stage{"banner", "ehlo", "starttls", "tls", "ehlo_tls"} {
		stages = append(stages, transcript.StageResult{Stage: s, Status: transcript.Pass, Reply: &transcript.Reply{Code: 250}})
	}
	stages = append(stages, transcript.StageResult{Stage: "auth", Status: transcript.Fail,
		Reply: &transcript.Reply{Code: 535, Enhanced: "5.7.139", Lines: []string{"5.7.139 Authentication unsuccessful"}}},
		transcript.StageResult{Stage: "mail", Status: transcript.Skip}, transcript.StageResult{Stage: "rcpt", Status: transcript.Skip},
		transcript.StageResult{Stage: "quit", Status: transcript.Pass, Reply: &transcript.Reply{Code: 221}})
	return &transcript.Transcript{Site: "contoso-hq-mfp", Method: "submission", Lines: lines, Stages: stages,
		TLS: &transcript.TLSInfo{Version: "TLS 1.3", CipherSuite: "TLS_AES_256_GCM_SHA384"}}
}

// benchMessageTranscript is benchTranscript for a site that sends its
// message, as Exchange Online answers: the envelope, the message and, at
// the end of DATA, queued with InternalId, Hostname, size and rate
// ("queued"), or the SendAs refusal with its store diagnostics ("sendas").
func benchMessageTranscript(end string) *transcript.Transcript {
	t := benchTranscript()
	l := func(stage transcript.Stage, dir transcript.Direction, text string) transcript.Line {
		return transcript.Line{Stage: stage, Dir: dir, Text: text}
	}
	t.Lines = append(t.Lines[:len(t.Lines)-3],
		l("auth", transcript.Server, "235 2.7.0 Authentication successful"),
		l("mail", transcript.Client, "MAIL FROM:<scanner@contoso.com> SIZE=522"), l("mail", transcript.Server, "250 2.1.0 Sender OK"),
		l("rcpt", transcript.Client, "RCPT TO:<frontdesk@contoso.com>"), l("rcpt", transcript.Server, "250 2.1.5 Recipient OK"),
		l("data", transcript.Client, "DATA"), l("data", transcript.Server, "354 Start mail input; end with <CRLF>.<CRLF>"),
		l("data", transcript.Client, "<message 522 bytes, Subject: smtpspec test contoso-hq-mfp smtpspec-0123456789abcdef>"),
		l("data", transcript.Server, end),
		l("quit", transcript.Client, "QUIT"), l("quit", transcript.Server, "221 2.0.0 Service closing transmission channel"))
	return t
}

var benchEnds = []struct{ name, line string }{
	{"queued", "250 2.6.0 <smtpspec-0123456789abcdef.contoso-hq-mfp@contoso.com> [InternalId=7619272024915, Hostname=SY4P282MB1257.AUSP282.PROD.OUTLOOK.COM] 48435 bytes in 0.160, 294.858 KB/sec Queued mail for delivery"},
	{"sendas", "554 5.2.252 SendAsDenied; scanner@contoso.com not allowed to send as reception@contoso.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message. 0.35250:1F009983, 1.36674:0A000000, 1.61250:00000000, 1.45378:02000000, 1.44866:3C7C0000, 1.36674:0E000000, 1.61250:00000000, 1.45378:417C0000, 1.44866:26010000, 16.55847:E70F0000, 17.43559:0000000024020000000000000000000000000000, 20.52176:140F7999190010100C000000, 20.50032:140F79998917001000000000[EndDiagnosticData]"},
}

// BenchmarkNormalizeMessage is BenchmarkNormalize for a site that sends
// its message (about 37 lines, one end-of-DATA reply).
func BenchmarkNormalizeMessage(b *testing.B) {
	for _, e := range benchEnds {
		lines := benchMessageTranscript(e.line).Lines
		b.Run(e.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Normalize(lines)
			}
		})
	}
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
