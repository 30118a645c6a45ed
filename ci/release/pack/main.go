// Command pack writes a release archive (.tar.gz, or .zip for Windows) whose
// bytes depend only on its inputs: entries in the order given, fixed owner
// (0:0, no names), a fixed modification time (SOURCE_DATE_EPOCH), fixed
// modes (0755 for executables, 0644 otherwise) and gzip without a name or
// time in its header. Run by ci/release/build.sh; it does not build
// anything, and it never follows what the archive will be extracted into.
//
//	go run ./ci/release/pack -mtime 1764763200 -o dist/x.tar.gz bin/smtpspec=smtpspec README.md=README.md
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// entry is one file of the archive: read from src, stored as name.
type entry struct {
	src, name string
	exec      bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("pack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "archive to write (`FILE`.tar.gz or FILE.zip)")
	mtime := fs.String("mtime", os.Getenv("SOURCE_DATE_EPOCH"), "modification time of every entry, in Unix `SECONDS` (default $SOURCE_DATE_EPOCH)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	when, err := parseEpoch(*mtime)
	if err == nil && *out == "" {
		err = fmt.Errorf("-o FILE is required")
	}
	var entries []entry
	if err == nil {
		entries, err = parseEntries(fs.Args())
	}
	if err == nil {
		err = write(*out, entries, when)
	}
	if err != nil {
		fmt.Fprintf(stderr, "pack: %v\n", err)
		return 1
	}
	return 0
}

func parseEpoch(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("-mtime (or SOURCE_DATE_EPOCH) is required: the archive's bytes must not depend on the clock")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 315532800 { // zip cannot store times before 1980
		return time.Time{}, fmt.Errorf("-mtime %q: want Unix seconds after 1980", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

// parseEntries reads SRC=NAME arguments; an executable is any file whose
// mode has an execute bit, so the archive says the same on every umask.
func parseEntries(args []string) ([]entry, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("no files given (SRC=NAME ...)")
	}
	var out []entry
	for _, a := range args {
		src, name, ok := strings.Cut(a, "=")
		if !ok {
			src, name = a, filepath.Base(a)
		}
		if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") || strings.Contains(name, `\`) {
			return nil, fmt.Errorf("%q: the name in the archive must be a relative path without ..", a)
		}
		fi, err := os.Stat(src)
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", src)
		}
		out = append(out, entry{src: src, name: name, exec: fi.Mode()&0o111 != 0})
	}
	return out, nil
}

// write creates the archive beside its final name and renames it into
// place, so a failed or interrupted pack leaves no half archive behind.
func write(path string, entries []entry, when time.Time) (err error) {
	var pack func(io.Writer, []entry, time.Time) error
	switch {
	case strings.HasSuffix(path, ".tar.gz"):
		pack = packTarGz
	case strings.HasSuffix(path, ".zip"):
		pack = packZip
	default:
		return fmt.Errorf("%s: want a .tar.gz or .zip name", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pack-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = pack(tmp, entries, when); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func mode(e entry) int64 {
	if e.exec {
		return 0o755
	}
	return 0o644
}
