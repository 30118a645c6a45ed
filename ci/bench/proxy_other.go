//go:build !linux

package bench

import (
	"net"
	"time"
)

// preciseSleep falls back to the runtime's timer off Linux (package
// syscall has no Nanosleep on every platform): the proxy may then be up
// to ~1 ms late per hop, as README's "Performance" section says.
func preciseSleep(d time.Duration) { time.Sleep(d) }

// quickAck does nothing off Linux (no TCP_QUICKACK): see proxy_linux.go.
func quickAck(net.Conn) {}
