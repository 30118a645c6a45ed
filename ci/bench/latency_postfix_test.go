//go:build latency

package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/smtpspec/smtpspec/internal/mta"
)

// postfixServer starts the integration suite's private Postfix (with
// Dovecot SASL, STARTTLS, mail discarded) for the latency benchmark, or
// says why it cannot: not installed, or not root.
func postfixServer(t *testing.T) (server, string) {
	for _, bin := range []string{mta.PostfixMaster, mta.PostfixCmd, mta.DovecotCmd} {
		if _, err := os.Stat(bin); err != nil {
			return server{}, bin + " is not installed"
		}
	}
	if os.Geteuid() != 0 {
		return server{}, "needs root: Postfix's master starts as root"
	}
	// Postfix and Dovecot drop to their own users: their folders must be
	// reachable by them, which t.TempDir's (mode 0700) are not.
	pdir, err := os.MkdirTemp("", "smtpspec-latency-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pdir) })
	if err := os.Chmod(pdir, 0o755); err != nil {
		t.Fatal(err)
	}
	certs, err := mta.NewCerts(pdir, "localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ddir := filepath.Join(pdir, "dovecot")
	if err := os.MkdirAll(ddir, 0o755); err != nil {
		t.Fatal(err)
	}
	dv := mta.StartDovecot(t, ddir, map[string]string{"scanner@contoso.com": benchPassword})
	// Dovecot's auth worker reads the passwd-file as its own user, and the
	// helper writes it 0600 for root; the password is a fixed test value.
	if err := os.Chmod(filepath.Join(ddir, "users"), 0o644); err != nil {
		t.Fatal(err)
	}
	pf := mta.StartPostfix(t, filepath.Join(pdir, "instance"), mta.PostfixConfig{
		Hostname: "mx.contoso.test", Banner: "ESMTP", Certs: certs, SASL: dv.Socket,
		Domains: []string{"contoso.com"},
	})
	return server{name: "postfix", caFile: certs.CAFile, addr: func(m method) string {
		switch {
		case m.auth == "XOAUTH2":
			return "" // Dovecot here offers PLAIN and LOGIN only
		case m.method == "relay":
			return "" // relay to an outside domain is refused without AUTH here: not a like-for-like path
		}
		return pf.Addr
	}}, ""
}
