package runner

import (
	"bufio"
	"context"
	"strings"
	"testing"
	"time"
)

// BenchmarkReadReply parses replies as the probe reads them off the wire
// (recording every line): a one-line reply and Microsoft 365's ten-line
// EHLO reply.
func BenchmarkReadReply(b *testing.B) {
	for _, bc := range []struct{ name, input string }{
		{"one-line", "250 2.1.5 Recipient OK\r\n"},
		{"ehlo", "250-BY1PR10CA0041.outlook.office365.com Hello [203.0.113.7]\r\n250-SIZE 157286400\r\n" +
			"250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-AUTH LOGIN XOAUTH2\r\n" +
			"250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			start := time.Now()
			rec := &recorder{start: start, now: func() time.Time { return start }}
			src := strings.NewReader(bc.input)
			c := &client{r: bufio.NewReaderSize(src, maxLine), rec: rec, ctx: context.Background()}
			b.SetBytes(int64(len(bc.input)))
			b.ReportAllocs()
			for b.Loop() {
				src.Reset(bc.input)
				c.r.Reset(src)
				rec.lines = rec.lines[:0]
				if _, err := c.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
