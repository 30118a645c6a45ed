//go:build !windows

package main

import (
	"os"
	"syscall"
)

// reloadSignals make `smtpspec serve` load its specs again.
var reloadSignals = []os.Signal{syscall.SIGHUP}
