package forecast

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"

	"github.com/smtpspec/smtpspec/report"
	"github.com/smtpspec/smtpspec/transcript"
)

// TestNoSecretRead: with every variable of the fleet set to a "real"
// secret, the forecast never asks for the ones specs use as secrets
// (password, token, client_secret, key), and none of the real values,
// the stand-ins or the stand-in tokens reaches any output, in plain,
// base64, AUTH PLAIN or XOAUTH2 form.
func TestNoSecretRead(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]bool{}
	getenv := func(name string) string {
		mu.Lock()
		defer mu.Unlock()
		asked[name] = true
		return "REAL-" + name + "-value-that-must-not-leak"
	}
	f, err := New(Options{Roots: []string{"testdata/fleet"}, Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sites, diags, _ := f.Load("testdata/fleet")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	fc, err := f.Run(context.Background(), sites)
	if err != nil {
		t.Fatal(err)
	}
	for name := range asked {
		if f.stand.secret[name] {
			t.Errorf("the forecast read secret variable %s", name)
		}
	}
	var secrets []string
	for name, v := range f.stand.values {
		if f.stand.secret[name] {
			secrets = append(secrets, v)
		}
		secrets = append(secrets, "REAL-"+name+"-value-that-must-not-leak")
	}
	for _, p := range f.profiles {
		secrets = append(secrets, p.site.Secrets()...)
	}
	if len(secrets) < 10 {
		t.Fatalf("only %d secrets: the fleet should use many", len(secrets))
	}
	forms := transcript.SecretForms(secrets)
	for _, s := range secrets {
		forms = append(forms, base64.StdEncoding.EncodeToString([]byte("\x00user\x00"+s)),
			base64.StdEncoding.EncodeToString([]byte("user=x\x01auth=Bearer "+s+"\x01\x01")))
	}
	for format, write := range map[string]func(*bytes.Buffer) error{
		"json":     func(b *bytes.Buffer) error { return WriteJSON(b, fc, report.Run{}) },
		"human":    func(b *bytes.Buffer) error { return WriteHuman(b, fc, report.Run{}) },
		"markdown": func(b *bytes.Buffer) error { return WriteMarkdown(b, fc, report.Run{}) },
		"html":     func(b *bytes.Buffer) error { return WriteHTML(b, fc, report.Run{}) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, form := range forms {
			if len(form) >= 8 && strings.Contains(out, form) {
				t.Errorf("%s output holds a secret (form %.12q...)", format, form)
			}
		}
		if strings.Contains(out, "-value-that-must-not-leak") {
			t.Errorf("%s output holds a value of the environment", format)
		}
	}
}

// TestUnsetValueNoted: a non-secret variable that is not set gets a
// stand-in, and the site's notes say so (the forecast is then less exact).
func TestUnsetValueNoted(t *testing.T) {
	dir := t.TempDir()
	writeSpec(t, dir, "hq.hcl", `site "hq" {
  method = "submission"
  endpoint { host = "smtp.office365.com" }
  auth {
    username = env("HQ_USER")
    password = env("HQ_PASSWORD")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["office@contoso.com"]
  }
}
`)
	fc := forecastDir(t, dir, Options{})
	notes := strings.Join(fc.Sites[0].Notes, "\n")
	if !strings.Contains(notes, `env("HQ_USER") for auth.username is not set here`) || strings.Contains(notes, "HQ_PASSWORD") {
		t.Errorf("notes: %q", notes)
	}
	if !fc.Sites[0].Today.Works() {
		t.Errorf("a stand-in user name still works against the simulator: %s", fc.Sites[0].Today.Verdict.Line())
	}
}
