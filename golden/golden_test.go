package golden

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sebdah/goldie/v2"

	"github.com/smtpspec/smtpspec/transcript"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"220 BY1PR10CA0041.outlook.office365.com Microsoft ESMTP MAIL Service ready at Mon, 1 Jun 2015 12:00:00 +0000",
			"220 <HOST> Microsoft ESMTP MAIL Service ready at <DATE>"},
		{"220 CH0PR07CA0007.outlook.office365.com Microsoft ESMTP MAIL Service ready at Sun, 13 Oct 2024 16:12:02 +0000 [08DCEB746BAC29D2]",
			"220 <HOST> Microsoft ESMTP MAIL Service ready at <DATE> [<TOKEN>]"},
		{"250-SN1NAM02FT0049.mail.protection.outlook.com Hello [18.209.86.113]",
			"250-<HOST> Hello [<IP>]"},
		{"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [MN2PR05CA0004.namprd05.prod.outlook.com 2023-09-12T20:59:57.214Z 08DBB276B7E699C4]",
			"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [<HOST> <TS> <TOKEN>]"},
		{"550 5.7.606 Access denied, banned sending IP [203.0.113.7]. To request removal",
			"550 5.7.606 Access denied, banned sending IP [<IP>]. To request removal"},
		{"550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DM3NAM03FT051.eop-nam03.prod.protection.outlook.com]",
			"550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [<HOST>]"},
		{"250 Hello [::1]", "250 Hello [<IP>]"},
		{"250 2.0.0 Ok: queued as 4Xm3Yk0Jq5z1", "250 2.0.0 Ok: queued as <QUEUE-ID>"},
		{"C: <message 412 bytes, Subject: smtpspec test x smtpspec-0123456789abcdef>", "C: <message 412 bytes, Subject: smtpspec test x <RUN-TOKEN>>"},
		// A run token of digits only is still the run token, not a session token.
		{"C: <message 412 bytes, Subject: smtpspec test x smtpspec-6122923764343276>", "C: <message 412 bytes, Subject: smtpspec test x <RUN-TOKEN>>"},
		{"250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK"}, // enhanced codes are not addresses
		{"250 2.6.0 <smtpspec-0123456789abcdef.hq@contoso.com> [InternalId=7619272024915, Hostname=SY4P282MB1257.AUSP282.PROD.OUTLOOK.COM] 48435 bytes in 0.160, 294.858 KB/sec Queued mail for delivery",
			"250 2.6.0 <<RUN-TOKEN>.hq@contoso.com> [InternalId=<ID>, Hostname=<HOST>] <SIZE> bytes in <TIME>, <RATE> KB/sec Queued mail for delivery"},
		{"250 2.6.0 <39ae3efa-2283-44e5-8733-80226f6fea73@mtasv.net> [InternalId=abc, Hostname=E6PEDG06.idir.BCGOV] 4596 bytes in 0.105, 42.525 KB/sec Queued mail for delivery",
			"250 2.6.0 <MSGID> [InternalId=<ID>, Hostname=<HOST>] <SIZE> bytes in <TIME>, <RATE> KB/sec Queued mail for delivery"},
		{"554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message. 16.55847:69000000, 17.43559:0000000020010000000000000000000000000000",
			"554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message. <DIAG>"},
		{"554 5.2.252 SendAsDenied; a@contoso.com not allowed to send as b@contoso.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message. 0.35250:1F009983, 1.36674:0A000000, 5.33852:00000000534D5450[EndDiagnosticData]",
			"554 5.2.252 SendAsDenied; a@contoso.com not allowed to send as b@contoso.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message. <DIAG>[EndDiagnosticData]"},
		{"550 5.7.509 Access denied. [A.EURP195.PROD.OUTLOOK.COM 2025-06-23T20:38:28.040Z 08DDB2564DE36667] [mx1.relay.example 2025-06-23T20:38:28.060Z 08DDB2063B7A7D58]",
			"550 5.7.509 Access denied. [<HOST> <TS> <TOKEN>] [<HOST> <TS> <TOKEN>]"},
		{"250-contoso-com.o-v1.mx.microsoft Hello [203.0.113.7]", "250-<HOST> Hello [<IP>]"},
		{"S: 250-BN8NAM11FT066.mail.protection.outlook.com Hello [203.0.113.7]", "S: 250-<HOST> Hello [<IP>]"},
		{"550 5.7.1 Unfortunately, messages from [62.210.82.129] weren't sent. (S3140).", "550 5.7.1 Unfortunately, messages from [<IP>] weren't sent. (S3140)."},
		{"connect to 203.0.113.7:25 timed out", "connect to <IP>:25 timed out"},
	}
	for _, tt := range tests {
		if got := NormalizeText(tt.in); got != tt.want {
			t.Errorf("NormalizeText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if again := NormalizeText(tt.want); again != tt.want {
			t.Errorf("NormalizeText is not idempotent on %q: %q", tt.want, again)
		}
	}
}

// TestNormalizeVolatileLines normalises the real lines of
// testdata/volatile-lines.txt (each with its source) into
// volatile-lines.golden, so a reviewer sees what every scrubber keeps.
func TestNormalizeVolatileLines(t *testing.T) {
	b, err := os.ReadFile("testdata/volatile-lines.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, "# Source:") {
			out.WriteString(l + "\n")
		} else if !strings.HasPrefix(l, "#") {
			out.WriteString(NormalizeText(l) + "\n")
		}
	}
	goldie.New(t).Assert(t, "volatile-lines", out.Bytes())
}

func sampleTranscript(host, ip string) *transcript.Transcript {
	c, s := transcript.Client, transcript.Server
	return &transcript.Transcript{
		Site: "hq-mfp", Method: "submission",
		Lines: []transcript.Line{
			{Dir: s, Stage: "banner", Text: "220 " + host + " ESMTP Postfix", At: time.Millisecond},
			{Dir: c, Stage: "ehlo", Text: "EHLO printer.contoso.local"},
			{Dir: s, Stage: "ehlo", Text: "250-" + host + " Hello [" + ip + "]"},
			{Dir: s, Stage: "ehlo", Text: "250 STARTTLS"},
			{Dir: c, Stage: "starttls", Text: "STARTTLS"},
			{Dir: s, Stage: "starttls", Text: "220 2.0.0 SMTP server ready"},
			{Dir: c, Stage: "rcpt", Text: "RCPT TO:<frontdesk@contoso.com>"},
			{Dir: s, Stage: "rcpt", Text: "550 5.7.606 Access denied, banned sending IP [" + ip + "]."},
			{Dir: c, Stage: "quit", Text: "QUIT"},
			{Dir: s, Stage: "quit", Text: "221 2.0.0 Bye"},
		},
		Stages: []transcript.StageResult{
			{Stage: "resolve", Status: transcript.Pass, Duration: time.Millisecond},
			{Stage: "connect", Status: transcript.Pass, Addr: ip + ":25"},
			{Stage: "banner", Status: transcript.Pass, Reply: &transcript.Reply{Code: 220}},
			{Stage: "ehlo", Status: transcript.Pass, Reply: &transcript.Reply{Code: 250}},
			{Stage: "starttls", Status: transcript.Pass, Reply: &transcript.Reply{Code: 220, Enhanced: "2.0.0"}},
			{Stage: "tls", Status: transcript.Pass},
			{Stage: "rcpt", Status: transcript.Fail, Reply: &transcript.Reply{Code: 550, Enhanced: "5.7.606"}},
			{Stage: "data", Status: transcript.Skip},
			{Stage: "quit", Status: transcript.Pass, Reply: &transcript.Reply{Code: 221, Enhanced: "2.0.0"}},
		},
		TLS: &transcript.TLSInfo{Version: "TLS1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Verified: true,
			Subject: "outlook.com", Issuer: "DigiCert Cloud Services CA-1", NotAfter: time.Now()},
	}
}

func TestRender(t *testing.T) {
	g := goldie.New(t)
	g.Assert(t, "render", Render(sampleTranscript("mx1.example.net", "203.0.113.7")))
}

func TestRenderIsStableAcrossVolatileParts(t *testing.T) {
	a := Render(sampleTranscript("mx1.example.net", "203.0.113.7"))
	b := Render(sampleTranscript("mx2.example.net", "198.51.100.9"))
	if d := Compare(a, b); d != nil {
		t.Fatalf("volatile parts leaked into the golden:\n%s", d.Diff)
	}
}

func TestCompare(t *testing.T) {
	want := []byte("# h\nS: 220 x\n= banner pass 220\nC: EHLO a\nS: 250-x\nS: 250 STARTTLS\n= ehlo pass 250\n= quit pass 221\n")
	got := []byte("# h\nS: 220 x\n= banner pass 220\nC: EHLO a\nS: 250-x\nS: 250 XXXXXXXA\n= ehlo pass 250\n= quit pass 221\n")
	if Compare(want, want) != nil {
		t.Fatal("equal goldens reported as drift")
	}
	d := Compare(want, got)
	if d == nil {
		t.Fatal("drift not detected")
	}
	if transcript.JoinStages(d.Stages, ",") != "ehlo" {
		t.Errorf("changed stages = %v, want [ehlo]", d.Stages)
	}
	g := goldie.New(t)
	g.Assert(t, "compare-diff", []byte(d.Diff))
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		a, b []string
		want string
	}{
		{nil, []string{"x"}, "@@ -1,0 +1,1 @@\n+x\n"},
		{[]string{"x"}, nil, "@@ -1,1 +1,0 @@\n-x\n"},
		{[]string{"a", "b", "c"}, []string{"a", "B", "c"}, "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
	}
	for _, tt := range tests {
		if got := UnifiedDiff(tt.a, tt.b, 1); got != tt.want {
			t.Errorf("UnifiedDiff(%q, %q) =\n%s\nwant\n%s", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestStoreWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	s := Store{Dir: dir}
	if s.Exists("a") {
		t.Fatal("Exists on empty store")
	}
	if _, err := s.Read("a"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Read missing: %v, want ErrNotExist", err)
	}
	if err := s.Write("a", []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	if err := s.Write("a", []byte("two\n")); err != nil {
		t.Fatal(err)
	}
	b, err := s.Read("a")
	if err != nil || string(b) != "two\n" {
		t.Fatalf("Read = %q, %v", b, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestStoreWriteReadOnlyKeepsOld(t *testing.T) {
	if os.Geteuid() == 0 {
		// root ignores directory permissions; simulate with a path whose
		// parent is a file instead.
		dir := t.TempDir()
		blocker := filepath.Join(dir, "file")
		os.WriteFile(blocker, []byte("x"), 0o644)
		err := Store{Dir: filepath.Join(blocker, "golden")}.Write("a", []byte("new"))
		if err == nil || !strings.Contains(err.Error(), "golden a") {
			t.Fatalf("Write into impossible folder: %v", err)
		}
		return
	}
	dir := t.TempDir()
	s := Store{Dir: dir}
	if err := s.Write("a", []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	if err := s.Write("a", []byte("new\n")); err == nil {
		t.Fatal("write into read-only folder succeeded")
	}
	if b, _ := s.Read("a"); string(b) != "old\n" {
		t.Fatalf("old golden damaged: %q", b)
	}
}

// TestRenderWith: codes detail keeps commands, codes, enhanced codes,
// EHLO capabilities and the TLS version; user rules run after the
// built-in scrubbers (they see "<IP>", not the address); the zero Options
// render exactly what Render does.
func TestRenderWith(t *testing.T) {
	tr := sampleTranscript("mx1.example.net", "203.0.113.7")
	if !bytes.Equal(RenderWith(tr, Options{}), Render(tr)) {
		t.Fatal("zero Options changed the rendering")
	}
	rules := []Rule{
		{Name: "ip", Pattern: regexp.MustCompile(`sending IP \[<IP>\]`), Replace: "sending IP <BLOCKED>"},
		{Name: "helo", Pattern: regexp.MustCompile(`printer\.(\w+)\.local`), Replace: "<PRINTER>.$1"},
	}
	g := goldie.New(t)
	g.Assert(t, "render-codes", RenderWith(tr, Options{Detail: Codes, Rules: rules}))
	g.Assert(t, "render-rules", RenderWith(tr, Options{Rules: rules}))

	// Codes ignores reply wording: a reworded reply does not drift.
	other := sampleTranscript("mx1.example.net", "203.0.113.7")
	other.Lines[7].Text = "550 5.7.606 Access denied, banned sending IP [1.2.3.4]. Reworded by Microsoft."
	other.TLS.CipherSuite = "TLS_AES_256_GCM_SHA384"
	if d := Compare(RenderWith(tr, Options{Detail: Codes}), RenderWith(other, Options{Detail: Codes})); d != nil {
		t.Errorf("codes detail drifted on wording:\n%s", d.Diff)
	}
	if Compare(Render(tr), Render(other)) == nil {
		t.Error("full detail did not notice the reworded reply")
	}
}

// TestCompareTwoHeaderLines: a golden with two "# " lines (detail =
// "codes") whose stages changed does not report its header as changed.
func TestCompareTwoHeaderLines(t *testing.T) {
	want := []byte("# smtpspec transcript\n# detail: codes\n= rcpt pass 250\n= quit pass 221\n")
	got := []byte("# smtpspec transcript\n# detail: codes\n= rcpt fail 550\n= quit pass 221\n")
	if d := Compare(want, got); d == nil || transcript.JoinStages(d.Stages, ",") != "rcpt" {
		t.Fatalf("changed stages = %v, want [rcpt]", d)
	}
}
