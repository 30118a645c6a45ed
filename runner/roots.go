package runner

import (
	"crypto/x509"
	"sync"
)

// systemRoots is the process's one load of the system's trusted roots.
// Reading them (x509.SystemCertPool: on Debian, every certificate of
// /etc/ssl/certs/ca-certificates.crt and then of /etc/ssl/certs, ~300
// parses) takes 12-18 ms of CPU, more than half of a probe's own cost; at
// the handshake it would add that to the wall time of every run. Loaded
// in the background from the moment a probe that needs TLS begins (or
// from process start, PreloadSystemRoots), it overlaps the connect,
// banner, EHLO and STARTTLS round trips instead.
//
// Sharing the load across the sites of a process proves nothing less:
// the system's roots are the same for every site (crypto/x509 caches them
// for the process too), a site adds its ca_file to its own copy, and
// everything a site's probe establishes (its connection, session,
// certificate chain and verification) is still its own.
var systemRoots struct {
	once sync.Once
	done chan struct{} // closed when pool is set
	pool *x509.CertPool
}

// PreloadSystemRoots starts reading the system's trusted roots in the
// background and returns at once; the first handshake that verifies
// against them waits for the load to finish. Calling it more than once,
// or never, is fine: a probe that needs TLS starts the load itself.
// `smtpspec run` calls it first thing, so the load also overlaps reading
// the specs.
func PreloadSystemRoots() {
	systemRoots.once.Do(func() {
		systemRoots.done = make(chan struct{})
		go func() {
			defer close(systemRoots.done)
			pool, err := x509.SystemCertPool()
			if err != nil {
				pool = x509.NewCertPool() // no system roots: only ca_file is trusted
			}
			systemRoots.pool = pool
		}()
	})
}

// systemRootPool returns the system's trusted roots, waiting for the load
// PreloadSystemRoots started (local files only, as the synchronous load it
// replaces was). The pool is the process's one copy: verify against it,
// and Clone it before adding anything (trust.full does, for ca_file).
func systemRootPool() *x509.CertPool {
	PreloadSystemRoots()
	<-systemRoots.done
	return systemRoots.pool
}
