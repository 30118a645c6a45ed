//go:build race

package runner

// raceEnabled: the race detector makes sync.Pool drop what it holds, so
// regexp and bufio allocate afresh on every use and allocation counts
// grow several times; memory bounds are looser under -race (and checked
// strictly by the plain run in .ci/run).
const raceEnabled = true
