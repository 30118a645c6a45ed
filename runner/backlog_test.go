package runner

import (
	"net"
	"os"
	"syscall"
)

// listenBacklog listens on addr:port with a backlog of 0 and never
// accepts (net.Listen always asks for the system's maximum backlog).
func listenBacklog(addr string, port int) (net.Listener, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, err
	}
	sa := &syscall.SockaddrInet4{Port: port}
	copy(sa.Addr[:], net.ParseIP(addr).To4())
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if err := syscall.Listen(fd, 0); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "backlog")
	defer f.Close()
	return net.FileListener(f)
}
