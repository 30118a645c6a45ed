package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// inputs writes an executable and a text file with modes that differ from
// what the archive must say (umask 077 on a build machine, 0775 on another).
func inputs(t *testing.T, binMode, docMode os.FileMode) (bin, doc string) {
	t.Helper()
	dir := t.TempDir()
	bin, doc = filepath.Join(dir, "smtpspec"), filepath.Join(dir, "README.md")
	if err := os.WriteFile(bin, []byte("\x7fELF not really"), binMode); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte("# smtpspec\n"), docMode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(bin, binMode); err != nil { // past the umask
		t.Fatal(err)
	}
	return bin, doc
}

func pack(t *testing.T, out string, args ...string) {
	t.Helper()
	var stderr bytes.Buffer
	if code := run(append([]string{"-mtime", "1764763200", "-o", out}, args...), &stderr); code != 0 {
		t.Fatalf("pack %v: exit %d: %s", args, code, stderr.String())
	}
}

// TestReproducible packs the same files, touched at different times and
// with different modes on disk, twice: the archives are byte-identical.
func TestReproducible(t *testing.T) {
	for _, ext := range []string{".tar.gz", ".zip"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			bin1, doc1 := inputs(t, 0o700, 0o600)
			bin2, doc2 := inputs(t, 0o775, 0o664)
			old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
			os.Chtimes(bin2, old, old)
			a, b := filepath.Join(dir, "a"+ext), filepath.Join(dir, "b"+ext)
			pack(t, a, bin1+"=smtpspec", doc1+"=README.md")
			time.Sleep(1100 * time.Millisecond) // a clock that moved must not show
			pack(t, b, bin2+"=smtpspec", doc2+"=README.md")
			ab, _ := os.ReadFile(a)
			bb, _ := os.ReadFile(b)
			if !bytes.Equal(ab, bb) {
				t.Fatalf("%s: two packs of the same files differ (%d vs %d bytes)", ext, len(ab), len(bb))
			}
			got := list(t, a)
			want := "smtpspec 0755 2025-12-03T12:00:00Z \x7fELF not really\nREADME.md 0644 2025-12-03T12:00:00Z # smtpspec\n\n"
			if got != want {
				t.Errorf("entries:\n%q\nwant\n%q", got, want)
			}
		})
	}
}

// list renders every entry as "name mode mtime content".
func list(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	add := func(name string, mode os.FileMode, mt time.Time, r io.Reader) {
		c, _ := io.ReadAll(r)
		fmt.Fprintf(&b, "%s %04o %s %s\n", name, mode, mt.UTC().Format(time.RFC3339), c)
	}
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			r, _ := f.Open()
			add(f.Name, f.Mode().Perm(), f.Modified, r)
			r.Close()
		}
		return b.String()
	}
	f, _ := os.Open(path)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header carries name %q, time %v", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: owner %d:%d %q:%q", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		add(h.Name, os.FileMode(h.Mode).Perm(), h.ModTime, tr)
	}
	return b.String()
}

func TestBadInput(t *testing.T) {
	bin, _ := inputs(t, 0o755, 0o644)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no time", []string{"-mtime", "", "-o", dir + "/x.zip", bin}, "must not depend on the clock"},
		{"time before zip's epoch", []string{"-mtime", "5", "-o", dir + "/x.zip", bin}, "after 1980"},
		{"no output", []string{"-mtime", "1764763200", bin}, "-o FILE is required"},
		{"unknown kind", []string{"-mtime", "1764763200", "-o", dir + "/x.rar", bin}, "want a .tar.gz or .zip name"},
		{"no files", []string{"-mtime", "1764763200", "-o", dir + "/x.zip"}, "no files given"},
		{"escaping name", []string{"-mtime", "1764763200", "-o", dir + "/x.zip", bin + "=../x"}, "without .."},
		{"missing file", []string{"-mtime", "1764763200", "-o", dir + "/x.zip", dir + "/nope=x"}, "no such file"},
		{"a folder", []string{"-mtime", "1764763200", "-o", dir + "/x.zip", dir + "=x"}, "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(tc.args, &stderr); code == 0 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want an error saying %q", code, stderr.String(), tc.want)
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("failed packs left %v behind", left)
	}
}
