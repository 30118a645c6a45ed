//go:build linux

package mta

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
)

// The daemons read their files as their own users (Postfix's smtpd as
// postfix, Dovecot's auth process as dovecot), not as root, so every
// file and folder this package makes gets its mode set explicitly:
// os.WriteFile and os.Mkdir modes are masked by the process umask, and a
// hardened host or CI runner with umask 077 would leave them readable by
// root only (Dovecot then refuses every password: its users file cannot
// be read).

// writeFile writes data to path with exactly mode, whatever the umask.
func writeFile(path string, data []byte, mode os.FileMode) error {
	if err := os.WriteFile(path, data, mode); err != nil {
		return err
	}
	return os.Chmod(path, mode)
}

// mkdirAll makes dir (and missing parents) and sets dir's mode exactly.
func mkdirAll(dir string, mode os.FileMode) error {
	if err := os.MkdirAll(dir, mode); err != nil {
		return err
	}
	return os.Chmod(dir, mode)
}

// command runs bin with umask 022, so that what it creates (Postfix's
// queue folders, Dovecot's run folder) is reachable by the users its
// daemons drop to; Postfix's master sets its own stricter umask for mail.
// exec keeps the process id, so the daemon's process group is unchanged.
func command(bin string, args ...string) *exec.Cmd {
	return exec.Command("/bin/sh", append([]string{"-c", `umask 022 && exec "$0" "$@"`, bin}, args...)...)
}

// TempDir is a fresh folder that the daemons' users can reach (mode 0755
// under the system's temporary folder; t.TempDir's parent is 0700), removed
// when the test ends, after the daemons started in it have stopped.
func TempDir(t testing.TB, pattern string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", pattern)
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) }) // registered before any daemon's: runs after they stop
	must(t, os.Chmod(dir, 0o755))
	return dir
}

// readableBy reports why the account name cannot read path, or nil when
// it can: every folder above path must let it through and path must let
// it read, by owner, group (primary or supplementary) or other bits.
func readableBy(name, path string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	groups, _ := u.GroupIds()
	groups = append(groups, u.Gid)
	allowed := func(p string, bit os.FileMode) (bool, error) {
		fi, err := os.Stat(p)
		if err != nil {
			return false, err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return true, nil // cannot tell: let the daemon decide
		}
		m := fi.Mode().Perm()
		switch {
		case int(st.Uid) == uid:
			return m&(bit<<6) != 0, nil
		case slices.Contains(groups, strconv.Itoa(int(st.Gid))):
			return m&(bit<<3) != 0, nil
		}
		return m&bit != 0, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if ok, err := allowed(dir, 0o1); err != nil || !ok {
			return fmt.Errorf("user %s cannot enter %s (%v)", name, dir, orMode(err, dir))
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	if ok, err := allowed(abs, 0o4); err != nil || !ok {
		return fmt.Errorf("user %s cannot read %s (%v)", name, abs, orMode(err, abs))
	}
	return nil
}

// orMode is err, or path's mode when there is no error to show.
func orMode(err error, path string) any {
	if err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil {
		return "mode " + fi.Mode().Perm().String()
	}
	return "mode unknown"
}
