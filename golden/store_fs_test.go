//go:build linux

package golden

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The disk-full and read-only tests run Store.Write in a child process
// (this test binary again): as root, inside a private mount namespace
// with a tiny tmpfs (full) or a read-only remount, so nothing outside the
// child ever sees the mount; otherwise with a file-size limit (full) or a
// read-only folder (root ignores folder permissions, hence the mount).
const helperEnv = "SMTPSPEC_GOLDEN_FS_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		if err := fsHelper(mode, os.Getenv(helperEnv+"_DIR")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const (
	oldGolden = "old golden, reviewed and committed\n"
	tmpfsSize = 64 << 10
)

// fsHelper prepares the filesystem named by mode, then asserts what a
// failed Store.Write must leave: a clear error, the old golden intact and
// no temporary file. Its error is the child's failure message.
func fsHelper(mode, dir string) error {
	root := os.Geteuid() == 0
	if root {
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", tmpfsSize)); err != nil {
			return fmt.Errorf("mount tmpfs: %w", err)
		}
	}
	s := Store{Dir: dir}
	if err := s.Write("site", []byte(oldGolden)); err != nil {
		return fmt.Errorf("writing the old golden: %w", err)
	}
	newGolden := bytes.Repeat([]byte("S: 250 new line\n"), 2*tmpfsSize/16)
	var wantErr string
	switch mode {
	case "full":
		wantErr = "file too large"
		if root {
			if err := fill(filepath.Join(dir, "filler")); err != nil {
				return err
			}
			wantErr = "no space left on device"
		} else if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 4096, Max: 4096}); err != nil {
			return fmt.Errorf("setrlimit: %w", err)
		}
	case "readonly":
		wantErr = "read-only file system"
		if root {
			if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
				return fmt.Errorf("remount read-only: %w", err)
			}
		} else {
			wantErr = "permission denied"
			if err := os.Chmod(dir, 0o555); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	err := s.Write("site", newGolden)
	switch {
	case err == nil:
		return errors.New("Write succeeded")
	case !strings.Contains(err.Error(), wantErr) || !strings.Contains(err.Error(), "golden site"):
		return fmt.Errorf("error %q does not say %q and name the golden", err, wantErr)
	case !strings.Contains(err.Error(), "unchanged"):
		return fmt.Errorf("error %q does not say the old golden is unchanged", err)
	}
	if b, err := s.Read("site"); err != nil || string(b) != oldGolden {
		return fmt.Errorf("old golden damaged: %q, %v", b, err)
	}
	if left := temporaries(dir); len(left) > 0 {
		return fmt.Errorf("temporary files left behind: %v", left)
	}
	return nil
}

// fill writes path until the filesystem is full.
func fill(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for i := 0; i < 2*tmpfsSize/len(chunk); i++ {
		if _, err := f.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return nil
			}
			return fmt.Errorf("filling: %w", err)
		}
	}
	return errors.New("the tmpfs never filled up")
}

// temporaries lists the store's temporary files left in dir.
func temporaries(dir string) []string {
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestStoreWriteFailureKeepsOldGolden(t *testing.T) {
	for _, mode := range []string{"full", "readonly"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperEnv+"_DIR="+dir)
			if os.Geteuid() == 0 {
				// A private mount namespace: the tmpfs vanishes with the child.
				cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", mode, err, out)
			}
			os.Chmod(dir, 0o755) // the non-root read-only case leaves it 0555
		})
	}
}

// TestStoreConcurrentWriters: runs that update the same golden folder at
// once (goroutines and separate Stores, as two processes would) never let
// a reader see a torn or empty golden, and leave no temporary file.
func TestStoreConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	const writers, rounds = 8, 25
	contents := make([][]byte, writers)
	valid := map[string]bool{}
	for i := range contents {
		contents[i] = bytes.Repeat([]byte(fmt.Sprintf("S: 250 writer %d\n", i)), 500+i*37)
		valid[string(contents[i])] = true
	}
	if err := (Store{Dir: dir}).Write("site", contents[0]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds+1)
	stop := make(chan struct{})
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := Store{Dir: dir}
			for r := 0; r < rounds; r++ {
				if err := s.Write("site", contents[i]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		s := Store{Dir: dir}
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-stop:
				return
			default:
			}
			b, err := s.Read("site")
			if err != nil || !valid[string(b)] {
				errs <- fmt.Errorf("reader saw a torn golden (%d bytes, %v)", len(b), err)
				return
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-readerDone
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if left := temporaries(dir); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	if b, err := (Store{Dir: dir}).Read("site"); err != nil || !valid[string(b)] {
		t.Errorf("final golden is none of the written ones (%d bytes, %v)", len(b), err)
	}
}
