package exporter

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// DefaultShutdownGrace is how long Serve lets in-flight probes finish
// after its context ends, before it cancels them.
const DefaultShutdownGrace = 10 * time.Second

// Serve answers HTTP on ln until ctx ends, then shuts down gracefully: no
// new request is accepted, in-flight probes may finish within grace, the
// rest are cancelled (their scrapes get 503, not a false site failure),
// and Serve returns once every handler has returned.
func (e *Exporter) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           e.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		e.Stop()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Grace is over: cancel the probes; their handlers answer 503 at
		// once, so this second wait is short (each stage ends on cancel).
		e.Stop()
		sctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel2()
		err = srv.Shutdown(sctx2)
	}
	e.Stop()
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}
