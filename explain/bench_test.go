package explain

import (
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

// BenchmarkTranscriptNoise10MB: a 10 MB paste of noise (the CLI's limit is
// 8 MiB) must end well under a second: every reader is bounded and linear.
var benchSize = 10 << 20

func BenchmarkTranscriptNoise10MB(b *testing.B) {
	text := noise(benchSize)
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
