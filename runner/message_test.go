package runner

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// TestMessageSizeIsExact builds messages of many sizes, covering every
// remainder of the base64 line arithmetic, and checks each is exactly
// that size, valid MIME, and needs no dot-stuffing.
func TestMessageSizeIsExact(t *testing.T) {
	sizes := []int64{1 << 10, 4096, 8 << 20}
	for i := int64(0); i < 80; i++ {
		sizes = append(sizes, 3000+i)
	}
	for _, size := range sizes {
		m := newTestMessage("hq-mfp", "scanner@contoso.com", []string{"frontdesk@contoso.com"}, "smtpspec-0123456789abcdef",
			time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC), size)
		var b bytes.Buffer
		n, err := m.WriteTo(&b)
		if err != nil || n != size || m.Size() != size || int64(b.Len()) != size {
			t.Fatalf("size %d: wrote %d (err %v), Size() %d, buffer %d", size, n, err, m.Size(), b.Len())
		}
		for _, l := range strings.Split(b.String(), "\r\n") {
			if strings.HasPrefix(l, ".") || len(l) > 998 {
				t.Fatalf("size %d: line %q needs stuffing or is too long", size, l)
			}
		}
		msg, err := mail.ReadMessage(&b)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		r := multipart.NewReader(msg.Body, params["boundary"])
		var parts int
		for ; ; parts++ {
			p, err := r.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("size %d: part %d: %v", size, parts, err)
			}
			body, _ := io.ReadAll(p)
			if p.Header.Get("Content-Transfer-Encoding") == "base64" {
				if _, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\r\n", "")); err != nil {
					t.Fatalf("size %d: attachment is not valid base64: %v", size, err)
				}
			}
		}
		if parts != 2 {
			t.Fatalf("size %d: %d parts, want text and attachment", size, parts)
		}
		if !strings.Contains(msg.Header.Get("Message-ID"), "smtpspec-0123456789abcdef.hq-mfp@contoso.com") {
			t.Errorf("Message-ID %q lacks the token and site", msg.Header.Get("Message-ID"))
		}
	}
}

// chunkWriter records the largest single write.
type chunkWriter struct{ max, total int }

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.max, w.total = max(w.max, len(p)), w.total+len(p)
	return len(p), nil
}

func TestLargeMessageIsStreamed(t *testing.T) {
	const size = 150 << 20
	m := newTestMessage("x", "a@contoso.com", []string{"b@contoso.com"}, "t", time.Unix(0, 0), size)
	w := &chunkWriter{}
	if _, err := m.WriteTo(w); err != nil {
		t.Fatal(err)
	}
	if w.total != size || w.max > 64<<10 {
		t.Errorf("wrote %d bytes in writes of up to %d: want %d in writes of at most 64 KiB", w.total, w.max, size)
	}
	if small := newTestMessage("x", "a@contoso.com", nil, "t", time.Unix(0, 0), 100); small.short == 0 || small.Size() <= 100 {
		t.Errorf("a message_size below the headers: short %d, size %d", small.short, small.Size())
	}
}

func TestProbeAnnouncesSize(t *testing.T) {
	tests := []struct {
		name      string
		sizeCap   string // the server's SIZE line after TLS
		mailReply string
		wantMail  string
		wantStage string
		received  int64
	}{
		{"message within SIZE", "250-SIZE 157286400", "", "MAIL FROM:<" + testUser + "> SIZE=65536",
			"data pass", 65536},
		{"message over SIZE", "250-SIZE 2048", "552 5.3.4 Message size exceeds fixed maximum message size",
			"MAIL FROM:<" + testUser + "> SIZE=65536", "mail fail", 0},
		{"no SIZE advertised", "250-X-NOTHING", "", "MAIL FROM:<" + testUser + ">", "data pass", 65536},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pki := newPKI(t, "localhost")
			d := newSMTPD(pki.server())
			d.ehloTLS = []string{"250-test.local Hello [127.0.0.1]", tt.sizeCap, "250-AUTH LOGIN XOAUTH2", "250 8BITMIME"}
			if tt.mailReply != "" {
				d.reply["MAIL"] = tt.mailReply
			}
			srv := startServer(t, d.serve)
			tr := probe(t, testSite(srv.port, func(s *specs.Site) {
				s.Envelope.SendMessage, s.Envelope.MessageSize = true, 64<<10
			}), pki)
			var mailLine string
			for _, l := range tr.Lines {
				if l.Stage == transcript.Mail && l.Dir == 'C' {
					mailLine = l.Text
				}
			}
			if mailLine != tt.wantMail {
				t.Errorf("MAIL line %q, want %q", mailLine, tt.wantMail)
			}
			found := false
			for _, s := range stages(tr) {
				found = found || strings.HasPrefix(s, tt.wantStage)
			}
			if !found {
				t.Errorf("stages %q, want %q", stages(tr), tt.wantStage)
			}
			if tt.received > 0 {
				msgs := d.messages()
				// The test server strips the final "." line; the size is what was declared.
				if len(msgs) != 1 || int64(len(msgs[0])) != tt.received {
					t.Errorf("server received %d messages (first %d bytes), want one of %d", len(msgs), lenFirst(msgs), tt.received)
				}
			}
			if tt.mailReply != "" {
				if note := tr.Stage(transcript.Mail).Note; !strings.Contains(note, "larger than the server's SIZE limit (2048 bytes)") {
					t.Errorf("mail note %q does not name the SIZE limit", note)
				}
				v := diagnosis.Diagnose(tr, diagnosis.Input{Plan: testSite(0).Plan()})
				if v.Category != catalog.Policy || v.Stage != transcript.Mail || v.Rule != "catalog:message-too-big" {
					t.Errorf("verdict %+v, want policy at mail by catalog:message-too-big", v)
				}
			}
		})
	}
}

func lenFirst(m []string) int {
	if len(m) == 0 {
		return 0
	}
	return len(m[0])
}
