//go:build !race

package explain

// raceOn: the tests run under the race detector (race_on_test.go).
const raceOn = false
