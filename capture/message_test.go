package capture

import (
	"strings"
	"testing"
)

func analyse(msg string) *Message {
	a := newAnalyzer("DATA")
	for len(msg) > 0 { // in pieces, as the wire gives it
		n := min(len(msg), 7)
		a.Write([]byte(msg[:n]))
		msg = msg[n:]
	}
	return a.Close()
}

func TestMessageAnalysis(t *testing.T) {
	nested := "From: \"Scan, Front Desk\" <scan@contoso.com>\r\nSubject: =?iso-8859-1?q?Scan_f=FCr_Sie?=\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=outer\r\n\r\n" +
		"--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n" +
		"--inner\r\nContent-Type: text/plain\r\n\r\nhi\r\n--inner\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--inner--\r\n" +
		"--outer\r\nContent-Type: application/pdf; name=scan1.pdf\r\n\r\nJVBERi0=\r\n" +
		"--outer\r\nContent-Type: image/tiff\r\nContent-Disposition: attachment; filename=\"scan2.tif\"\r\n\r\nSUkq\r\n--outer--\r\n"
	m := analyse(nested)
	if m.From != `"Scan, Front Desk" <scan@contoso.com>` || m.FromAddress != "scan@contoso.com" || m.Subject != "Scan für Sie" ||
		m.Attachments != 2 || strings.Join(m.AttachmentTypes, ",") != "application/pdf,image/tiff" || m.Size != int64(len(nested)) {
		t.Errorf("nested multipart: got %+v", m)
	}
	if m := analyse("Subject: no from\r\n\r\nbody\r\n"); m.FromAddress != "" || m.Problem != "" {
		t.Errorf("no From: got %+v", m)
	}
	huge := "Subject: x\r\nX-Long: " + strings.Repeat("a", 100<<10) + "\r\n\r\nbody\r\n"
	if m := analyse(huge); !strings.Contains(m.Problem, "64 KiB") || m.Size != int64(len(huge)) {
		t.Errorf("overlong header: got problem %q size %d", m.Problem, m.Size)
	}
	deep := "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
	for i := 1; i <= 8; i++ {
		deep += "--b" + itoa(i-1) + "\r\nContent-Type: multipart/mixed; boundary=b" + itoa(i) + "\r\n\r\n"
	}
	if m := analyse(deep); !strings.Contains(m.Problem, "deeper") {
		t.Errorf("deep nesting: got %+v", m)
	}
	if m := analyse("From: a@b.c\r\nContent-Type: application/pdf\r\n\r\n%PDF"); m.Attachments != 1 {
		t.Errorf("a single-part PDF: got %+v", m)
	}
}
