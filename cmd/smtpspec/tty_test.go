package main

import (
	"os"
	"testing"
)

// TestDevNullIsNotATerminal: /dev/null is a character device, and CI jobs
// run with it as stdin; review must not prompt there.
func TestDevNullIsNotATerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if readsTerminal(f) || isTTY(f) {
		t.Error("/dev/null taken for a terminal")
	}
}
