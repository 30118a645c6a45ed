package capture

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"
)

// Server is one capture: it accepts connections on one listener, records
// each, and decides when the capture is over.
type Server struct {
	opts Options
	ca   *CA

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	records []*Connection
	refused int
	total   int // connections admitted
	ending  bool
	events  chan struct{} // a connection opened or closed
	wg      sync.WaitGroup
}

// Run records what devices do on ln until the capture ends (Options:
// Timeout, Grace after the last connection, Connections in all) or ctx is
// done, and returns the report with its findings. It closes ln.
func Run(ctx context.Context, ln net.Listener, opts Options) (*Report, error) {
	if err := opts.defaults(); err != nil {
		ln.Close()
		return nil, err
	}
	srv := &Server{opts: opts, ca: opts.CA, conns: map[net.Conn]struct{}{}, events: make(chan struct{}, 1)}
	if srv.ca == nil && opts.Certificate == nil {
		ca, err := NewCA(opts.Now())
		if err != nil {
			ln.Close()
			return nil, err
		}
		srv.ca = ca
	}
	rep := &Report{Persona: opts.Persona, TLSMode: opts.TLSMode, Listen: ln.Addr().String(), Started: opts.Now(), AcceptsAnyCredentials: true}
	defer clear(opts.ExpectedPassword)
	go srv.accept(ln)
	rep.EndReason = srv.wait(ctx)
	ln.Close()
	srv.stop()
	rep.Ended = opts.Now()
	rep.Connections, rep.Refused = srv.records, srv.refused
	slices.SortFunc(rep.Connections, func(a, b *Connection) int { return a.N - b.N })
	rep.Findings = findings(rep, opts)
	return rep, nil
}

// wait returns why the capture ends: ctx, the timeout, the connection
// limit reached and all closed, or Grace without a connection after one.
func (srv *Server) wait(ctx context.Context) string {
	deadline := time.NewTimer(srv.opts.Timeout)
	defer deadline.Stop()
	var grace <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return EndCancelled
		case <-deadline.C:
			return EndTimeout
		case <-grace:
			return EndGrace
		case <-srv.events:
		}
		srv.mu.Lock()
		open, total := len(srv.conns), srv.total
		srv.mu.Unlock()
		grace = nil
		switch {
		case open == 0 && total >= srv.opts.Connections:
			return EndConnections
		case open == 0 && total > 0:
			grace = time.After(srv.opts.Grace)
		}
	}
}

func (srv *Server) notify() {
	select {
	case srv.events <- struct{}{}:
	default: // one pending wake-up is enough: wait reads the state itself
	}
}

// accept admits connections until ln is closed. Over Parallel at once, or
// past Connections in all, a connection gets 421 and is closed, and counted.
func (srv *Server) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed by Run; a capture does not outlive its listener
		}
		n, ok := srv.admit(c)
		if !ok {
			srv.refuse(c)
			continue
		}
		go srv.serve(c, n)
	}
}

func (srv *Server) admit(c net.Conn) (int, bool) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.ending || len(srv.conns) >= srv.opts.Parallel || srv.total >= srv.opts.Connections {
		srv.refused++
		return 0, false
	}
	srv.total++
	srv.conns[c] = struct{}{}
	srv.wg.Add(1)
	srv.notify()
	return srv.total, true
}

// refuse answers a connection the capture does not take with RFC 5321's
// 421 text (section 4.2.2) and RFC 3463's 4.3.2, as the simulator does.
func (srv *Server) refuse(c net.Conn) {
	c.SetWriteDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(c, "421 4.3.2 Service not available, closing transmission channel\r\n")
	c.Close()
	srv.opts.Logf("capture: refused %s: over the connection limits", c.RemoteAddr())
}

func (srv *Server) serve(c net.Conn, n int) {
	defer srv.wg.Done()
	ss := newSession(srv, c, n)
	ss.run()
	c.Close()
	if ss.tls != nil && ss.conn != c {
		ss.conn.Close()
	}
	ss.rec.DurationMS = time.Since(ss.began).Milliseconds()
	srv.mu.Lock()
	delete(srv.conns, c)
	srv.records = append(srv.records, ss.rec)
	srv.mu.Unlock()
	srv.notify()
}

// stop closes every open connection and waits for their sessions.
func (srv *Server) stop() {
	srv.mu.Lock()
	srv.ending = true
	for c := range srv.conns {
		c.Close()
	}
	srv.mu.Unlock()
	srv.wg.Wait()
}

func (srv *Server) closing() bool {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.ending
}
