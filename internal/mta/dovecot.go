//go:build linux

package mta

import (
	"fmt"
	"os"
	"os/exec"
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

// StartDovecot runs Dovecot in dir (which must be reachable by the
// postfix user) with users (name -> password) in a passwd-file, until
// the test ends.
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
	usersFile := filepath.Join(dir, "users")
	// Dovecot's auth process runs as the dovecot user: group-readable by it.
	must(t, os.WriteFile(usersFile, []byte(b.String()), 0o640))
	grp, err := user.LookupGroup("dovecot")
	if err != nil {
		t.Fatalf("dovecot group: %v", err)
	}
	gid, _ := strconv.Atoi(grp.Gid)
	must(t, os.Chown(usersFile, 0, gid))
	d := &Dovecot{Socket: filepath.Join(dir, "auth")}
	conf := filepath.Join(dir, "dovecot.conf")
	must(t, os.WriteFile(conf, []byte(fmt.Sprintf(dovecotConf, dir, dir, usersFile, d.Socket)), 0o644))
	log := daemon(t, "dovecot", exec.Command(DovecotCmd, "-F", "-c", conf))
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
