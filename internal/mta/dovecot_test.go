//go:build linux

package mta

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDovecotUsersFileUnderStrictUmask: with umask 077 (hardened hosts,
// some CI runners) the users file is still readable by Dovecot's auth
// process, so a right password passes and a wrong one fails, asked over
// the same auth socket Postfix uses. No chmod from outside.
func TestDovecotUsersFileUnderStrictUmask(t *testing.T) {
	Need(t)
	old := syscall.Umask(0o077)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := TempDir(t, "smtpspec-mta-umask-")
	d := StartDovecot(t, filepath.Join(dir, "dovecot"), map[string]string{"scanner@contoso.test": "right-password"})
	conf := filepath.Join(dir, "dovecot", "dovecot.conf")
	for _, tc := range []struct {
		password string
		ok       bool
	}{{"right-password", true}, {"wrong-password", false}} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, "doveadm", "-c", conf, "auth", "test", "-a", d.Socket, "scanner@contoso.test", tc.password).CombinedOutput()
		cancel()
		if got := err == nil && strings.Contains(string(out), "auth succeeded"); got != tc.ok {
			t.Errorf("password %q: succeeded %t, want %t: %v\n%s", tc.password, got, tc.ok, err, out)
		}
	}
}

// TestReadableBy: a folder that the account cannot enter is named.
func TestReadableBy(t *testing.T) {
	if os.Geteuid() != 0 {
		why := "needs root: the files must belong to root for another account to be judged against them"
		if os.Getenv("CI") != "" {
			t.Fatal(why + " (CI is set: this test must not skip)")
		}
		t.Skip(why)
	}
	dir := TempDir(t, "smtpspec-mta-readable-")
	closed := filepath.Join(dir, "closed")
	must(t, mkdirAll(closed, 0o700))
	f := filepath.Join(closed, "users")
	must(t, writeFile(f, []byte("x"), 0o644))
	if err := readableBy("nobody", f); err == nil || !strings.Contains(err.Error(), "cannot enter "+closed) {
		t.Errorf("readableBy = %v, want a message naming %s", err, closed)
	}
	must(t, os.Chmod(closed, 0o755))
	if err := readableBy("nobody", f); err != nil {
		t.Errorf("readableBy = %v, want nil", err)
	}
	must(t, os.Chmod(f, 0o600))
	if err := readableBy("nobody", f); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("readableBy = %v, want cannot read", err)
	}
}
