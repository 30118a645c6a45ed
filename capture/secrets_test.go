package capture

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/internal/syncbuf"
)

// logs collects what the capture logs, for the secret search.
func logs(opts *Options) *syncbuf.Buffer {
	var b syncbuf.Buffer
	opts.Logf = func(format string, args ...any) {
		b.Write([]byte(strings.TrimSpace(sprintf(format, args...)) + "\n"))
	}
	return &b
}

// everyOutput is every form the capture's results take: the report in
// each format, the spec and the log.
func everyOutput(t *testing.T, rep *Report, log string) string {
	t.Helper()
	var all bytes.Buffer
	for _, f := range Formats {
		if err := Write(&all, f, rep); err != nil {
			t.Fatal(err)
		}
	}
	if len(rep.Connections) > 0 {
		src, err := Spec(rep, SpecOptions{Site: "device", PasswordEnv: "DEVICE_SMTP_PASSWORD", TokenEnv: "DEVICE_SMTP_TOKEN"})
		if err != nil {
			t.Fatalf("spec: %v", err)
		}
		all.Write(src)
	}
	all.WriteString(log)
	return all.String()
}

// noSecret fails when out holds secret in plain text, base64 (AUTH LOGIN),
// or inside an AUTH PLAIN or XOAUTH2 blob for user.
func noSecret(t *testing.T, out, user, secret string) {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString
	forms := map[string]string{
		"plain":        secret,
		"base64":       b64([]byte(secret)),
		"PLAIN blob":   b64([]byte("\x00" + user + "\x00" + secret)),
		"XOAUTH2 blob": b64([]byte("user=" + user + "\x01auth=Bearer " + secret + "\x01\x01")),
	}
	for name, f := range forms {
		if strings.Contains(out, f) {
			t.Errorf("the %s form of the secret appears in the capture's output", name)
		}
	}
	// Unpadded base64 of the secret's first bytes would also be a leak.
	if len(secret) >= 9 && strings.Contains(out, strings.TrimRight(b64([]byte(secret[:9])), "=")) {
		t.Errorf("a base64 prefix of the secret appears in the capture's output")
	}
}
