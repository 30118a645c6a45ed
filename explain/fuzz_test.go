package explain

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// seeds adds every capture in testdata as a seed.
func seeds(f *testing.F) {
	files, err := filepath.Glob("testdata/*.txt")
	more, _ := filepath.Glob("testdata/*/*.txt") // the corpora: real pastes
	files = append(files, more...)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed captures in testdata: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
}

// checkResult: a result is complete and renders in both formats; an
// error is ErrUnrecognised, never anything else.
func checkResult(t *testing.T, res *Result, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, ErrUnrecognised) {
			t.Fatalf("error is not ErrUnrecognised: %v", err)
		}
		return
	}
	if res == nil || res.Transcript == nil || res.Verdict.Category == "" || res.Format == "" {
		t.Fatalf("incomplete result: %+v", res)
	}
	var b bytes.Buffer
	if err := WriteText(&b, res); err != nil {
		t.Fatalf("WriteText: %v", err)
	}
	if err := WriteJSON(&b, res); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
}

// watchdog fails loudly if one input takes over 10 s (a parser loop that
// does not end); the fuzzer reports the input that hung.
func watchdog(input string) func() bool {
	return time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("explain took over 10s on %q", input)) }).Stop
}

// FuzzParseTranscript feeds arbitrary text to the format detection and
// every parser (`smtpspec explain --transcript`): no panic, no hang, and
// a result that is complete or ErrUnrecognised. Seeds: testdata/*.txt.
func FuzzParseTranscript(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		defer watchdog(text)()
		res, err := Transcript(text)
		checkResult(t, res, err)
	})
}

// FuzzParseReply does the same for one reply line (`smtpspec explain
// "550 ..."`); every line of the seed captures is a seed.
func FuzzParseReply(f *testing.F) {
	seeds(f)
	f.Add("550 5.7.606 Access denied, banned sending IP [203.0.113.7].")
	f.Add("5.7.139 Authentication unsuccessful")
	f.Fuzz(func(t *testing.T, line string) {
		defer watchdog(line)()
		res, err := Reply(line)
		checkResult(t, res, err)
	})
}
