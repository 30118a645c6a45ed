//go:build linux

package mta

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Dovecot is a private Dovecot instance that serves only SASL
// authentication to Postfix, over a unix socket; no mail protocol.
type Dovecot struct {
	Socket string // the auth socket Postfix's smtpd_sasl_path names
}

// StartDovecot runs Dovecot in dir (made if missing; its parents must be
// reachable by the postfix and dovecot users: see TempDir) with users
// (name -> password) in a passwd-file, until the test ends.
func StartDovecot(t testing.TB, dir string, users map[string]string) *Dovecot {
	t.Helper()
	var b strings.Builder
	names := make([]string, 0, len(users))
	for u := range users {
		names = append(names, u)
	}
	sort.Strings(names)
	for _, u := range names {
		fmt.Fprintf(&b, "%s:{PLAIN}%s\n", u, users[u])
	}
	// The helper owns dir; its parents are the caller's (TempDir makes
	// one that the daemons can reach).
	must(t, mkdirAll(dir, 0o755))
	usersFile := filepath.Join(dir, "users")
	// Dovecot's auth process runs as the dovecot user (default_internal_user)
	// and reads the passwd-file itself; its auth worker runs as root. So the
	// file is root's, group dovecot, mode 0640 set explicitly (not left to
	// the umask), and checked before Dovecot starts: an unreadable users
	// file would otherwise show up only as every AUTH failing.
	must(t, writeFile(usersFile, []byte(b.String()), 0o640))
	grp, err := user.LookupGroup("dovecot")
	if err != nil {
		t.Fatalf("dovecot group: %v", err)
	}
	gid, _ := strconv.Atoi(grp.Gid)
	must(t, os.Chown(usersFile, 0, gid))
	if err := readableBy("dovecot", usersFile); err != nil {
		t.Fatalf("dovecot's auth process could not read its users file: %v; start Dovecot in a folder every parent of "+
			"which is searchable by others (mta.TempDir makes one)", err)
	}
	d := &Dovecot{Socket: filepath.Join(dir, "auth")}
	conf := filepath.Join(dir, "dovecot.conf")
	must(t, writeFile(conf, []byte(fmt.Sprintf(dovecotConf, dir, dir, usersFile, d.Socket)), 0o644))
	log := daemon(t, "dovecot", command(DovecotCmd, "-F", "-c", conf))
	deadline := time.Now().Add(startWait)
	for {
		if _, err := os.Stat(d.Socket); err == nil {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("dovecot: no auth socket at %s after %s\n%s", d.Socket, startWait, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dovecotConf: SASL only (protocols empty), PLAIN and LOGIN, passwords
// from a passwd-file. Plaintext AUTH is allowed here because Postfix
// (smtpd_tls_auth_only) is the one that insists on TLS first.
const dovecotConf = `base_dir = %s/run
state_dir = %s/state
log_path = /dev/stderr
protocols =
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN %s
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener %s {
    mode = 0660
    user = postfix
    group = postfix
  }
}
`

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
