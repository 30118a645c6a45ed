//go:build race

package explain

// raceOn: the tests run under the race detector, about ten times slower;
// the widest tables then read a sample (pasteforms_test.go).
const raceOn = true
