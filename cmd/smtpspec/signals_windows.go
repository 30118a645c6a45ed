//go:build windows

package main

import "os"

// reloadSignals: Windows has no SIGHUP; POST /-/reload reloads the specs.
var reloadSignals []os.Signal
