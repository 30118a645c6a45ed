package explain

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// noise is n bytes of text that looks like a log without SMTP evidence:
// words, numbers, dotted versions, brackets and quotes, long and short
// lines, deterministic.
func noise(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"at", "Service.java:388", "version", "1.6.2", "[", "(", "'", "\"", "value=42", "timeout=300", "502", "port", "abc", "The", "user", "{", "}", "\\n", "4.7.0x", "250x", "xyz.example.com", "0x7f", "delays=1/2/3"}
	var b strings.Builder
	b.Grow(n + 256)
	for b.Len() < n {
		w := r.IntN(40) + 1
		if r.IntN(50) == 0 {
			w = 4000 // now and then a very long line
		}
		for i := 0; i < w; i++ {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// logNoise is n bytes of what a technician pastes around an error
// without SMTP evidence in it: application log lines with timestamps,
// levels and numbers, JSON documents with escaped stack traces, Java,
// .NET, Node.js and Python stack frames, base64 attachment blocks, HTTP
// access log lines and configuration dumps; deterministic.
func logNoise(n int) string {
	r := rand.New(rand.NewPCG(3, 4))
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	kinds := []func(b *strings.Builder){
		func(b *strings.Builder) {
			fmt.Fprintf(b, "2026-11-%02d %02d:%02d:%02d.%03d INFO  [worker-%d] com.example.batch.Job - processed %d records in %d ms (queue=%d)\n",
				r.IntN(28)+1, r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000), r.IntN(16), r.IntN(100000), r.IntN(9000), r.IntN(500))
		},
		func(b *strings.Builder) {
			fmt.Fprintf(b, `{"ts":"2026-11-03T10:%02d:%02dZ","level":"warn","msg":"retrying request","attempt":%d,"status":%d,"err":"upstream returned an error\n    at Object.fetch (/app/node_modules/client/index.js:%d:%d)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"}`+"\n",
				r.IntN(60), r.IntN(60), r.IntN(5), 200+r.IntN(4), r.IntN(900), r.IntN(80))
		},
		func(b *strings.Builder) {
			for range r.IntN(12) + 3 {
				fmt.Fprintf(b, "\tat com.example.service.Handler%d.handle(Handler%d.java:%d)\n", r.IntN(50), r.IntN(50), r.IntN(900))
			}
			fmt.Fprintf(b, "   at System.Threading.Tasks.Task.Execute() in C:\\src\\App\\Worker.cs:line %d\n", r.IntN(900))
			fmt.Fprintf(b, "  File \"/usr/lib/python3/dist-packages/app/jobs.py\", line %d, in run\n", r.IntN(900))
		},
		func(b *strings.Builder) {
			for range r.IntN(20) + 1 {
				for range 76 {
					b.WriteByte(b64[r.IntN(len(b64))])
				}
				b.WriteByte('\n')
			}
		},
		func(b *strings.Builder) {
			fmt.Fprintf(b, "10.0.%d.%d - - [03/Nov/2026:10:%02d:%02d +0000] \"GET /api/v2/items/%d HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0\"\n",
				r.IntN(255), r.IntN(255), r.IntN(60), r.IntN(60), r.IntN(99999), []int{200, 204, 301, 304}[r.IntN(4)], r.IntN(50000))
		},
		func(b *strings.Builder) {
			fmt.Fprintf(b, "timeout = %d\nretries = %d\nlog_level = debug\nworkers = %d\ncache_dir = /var/cache/app/%d\n", r.IntN(600), r.IntN(9), r.IntN(64), r.IntN(100))
		},
		func(b *strings.Builder) {
			b.WriteString(strings.Repeat("lorem ipsum dolor sit amet consectetur adipiscing elit ", r.IntN(300)+1) + "\n")
		},
	}
	var b strings.Builder
	b.Grow(n + 4096)
	for b.Len() < n {
		kinds[r.IntN(len(kinds))](&b)
	}
	return b.String()
}

// BenchmarkTranscriptNoise10MB: a 10 MB paste without SMTP evidence (the
// CLI's limit is 8 MiB) must end well under a second: every reader is
// bounded and linear (README "explain", 10 MB figure). LogNoise is what
// technicians paste around an error; Noise is word salad whose words are
// near-misses of reply codes and versions on every line, the reader's
// worst case.
var benchSize = 10 << 20

func BenchmarkTranscriptLogNoise10MB(b *testing.B) { benchTranscript(b, logNoise(benchSize)) }

func BenchmarkTranscriptNoise10MB(b *testing.B) { benchTranscript(b, noise(benchSize)) }

// benchTranscript measures Transcript on text, in bytes per second.
func benchTranscript(b *testing.B, text string) {
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		Transcript(text)
	}
}

// BenchmarkTranscriptCorpusText: one typical paste (a .NET exception
// with an embedded reply).
func BenchmarkTranscriptCorpusText(b *testing.B) {
	text := "The SMTP server requires a secure connection or the client was not authenticated. The server response was: 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information."
	for b.Loop() {
		Transcript(text)
	}
}

func BenchmarkTranscriptNoise1MB(b *testing.B) {
	text := noise(1 << 20)
	for b.Loop() {
		Transcript(text)
	}
}

// BenchmarkTranscriptHostile10MB: 10 MB pastes built to defeat the
// readers' bounds: every line a refusal, one 10 MB line, millions of open
// brackets (line folding), of JSON-escaped newlines (unescaping), of
// digits and quotes (reply candidates), of base64 lines and AUTH LOGIN
// exchanges (credential redaction), of folded continuation lines. Each
// must stay well under a second (README, "explain").
func BenchmarkTranscriptHostile10MB(b *testing.B) {
	n := benchSize
	for _, tc := range []struct{ name, text string }{
		{"refusals", strings.Repeat("550 5.7.1 Access denied [X.outlook.com]\n", n/40)},
		{"one-line", strings.Repeat("550 5.7.1 x ", n/12)},
		{"brackets", strings.Repeat("[(", n/2)},
		{"json-newlines", strings.Repeat(`\n`, n/2)},
		{"digits", strings.Repeat("2", n)},
		{"quotes", strings.Repeat(`"550 `, n/5)},
		{"base64", strings.Repeat("QUJDREVGR0g=\n", n/13)},
		{"auth-login", strings.Repeat("C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: dXNlcg==\n", n/50)},
		{"folded", strings.Repeat("550 5.7.1 x\n    continued text\n", n/30)},
		// The paste forms undone before reading (unpaste.go, reflow.go): a
		// refusal wrapped at 76 columns, every line quoted, HTML escapes,
		// quoted-printable soft breaks, and one line of 1 MB (the most
		// unflatten splits) that is a log run together.
		{"wrapped", strings.Repeat("550 5.7.1 Unfortunately, messages from [203.0.113.7] weren't sent. Please\ncontact your service provider\n", n/104)},
		{"quoted", strings.Repeat("> 550 5.7.1 Access denied [X.outlook.com]\n", n/42)},
		{"html", strings.Repeat("&lt;550 5.7.1&gt; &amp;&quot;", n/30)},
		{"quoted-printable", strings.Repeat("The e-mail address you entered couldn't be found. Please check the re=\n", n/72)},
		{"run-together", strings.Repeat("S: 250 OK C: RCPT TO:<a@b.c> ", (1<<20)/29)},
	} {
		b.Run(tc.name, func(b *testing.B) { benchTranscript(b, tc.text) })
	}
}
