package sim

import (
	"fmt"
	"net"
)

// Listen starts a server for sc on a new loopback listener (127.0.0.1 on
// a free port) and serves it in the background until Close. It is what
// the demo and every test that needs a simulator do.
func Listen(sc *Scenario, opts Options) (*Server, *net.TCPAddr, error) {
	srv, err := NewServer(sc, opts)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("sim %s: %w", sc.Name, err)
	}
	go srv.Serve(ln)
	return srv, ln.Addr().(*net.TCPAddr), nil
}
