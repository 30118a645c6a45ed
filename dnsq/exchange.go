package dnsq

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/miekg/dns"
)

// udpSize is the EDNS0 buffer size advertised and read: the DNS flag
// day 2020 value, safe from IP fragmentation.
const udpSize = 1232

// exchange sends m to server over UDP, resending it every Retransmit on
// the same socket until an answer with m's ID arrives or ctx ends; a
// truncated answer is asked again over TCP. Resending on one socket
// means a slow server's answer to the first copy still counts.
func (c *Client) exchange(ctx context.Context, server string, m *dns.Msg) (*dns.Msg, error) {
	co, err := (&dns.Client{Net: "udp"}).DialContext(ctx, server)
	if err != nil {
		return nil, err
	}
	defer co.Close()
	co.UDPSize = udpSize
	stop := context.AfterFunc(ctx, func() { co.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	deadline, _ := ctx.Deadline()
	every := c.Retransmit
	if every <= 0 {
		every = time.Second
	}
	for ctx.Err() == nil {
		co.SetWriteDeadline(deadline)
		if err := co.WriteMsg(m); err != nil {
			return nil, ctxErr(ctx, err)
		}
		until := time.Now().Add(every)
		if until.After(deadline) {
			until = deadline
		}
		r, err := readReply(co, m, until)
		switch {
		case err == nil && r.Truncated:
			r, _, err = (&dns.Client{Net: "tcp"}).ExchangeContext(ctx, m, server)
			return r, err
		case err == nil:
			return r, nil
		case !isTimeout(err):
			return nil, ctxErr(ctx, err)
		}
	}
	return nil, context.DeadlineExceeded
}

// readReply reads until the reply to m arrives or until; replies to
// other questions (stale answers to an earlier probe) are dropped.
func readReply(co *dns.Conn, m *dns.Msg, until time.Time) (*dns.Msg, error) {
	co.SetReadDeadline(until)
	for {
		r, err := co.ReadMsg()
		if err != nil {
			return nil, err
		}
		if r.Id == m.Id && len(r.Question) == 1 && dns.CanonicalName(r.Question[0].Name) == dns.CanonicalName(m.Question[0].Name) {
			return r, nil
		}
	}
}

// ctxErr prefers the context's error: a read that failed because the
// context ended is a timeout, not a network error.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.DeadlineExceeded
	}
	return err
}

func asNetError(err error, target *net.Error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		*target = timeoutError{}
		return true
	}
	return errors.As(err, target)
}

// timeoutError is a net.Error that says it timed out.
type timeoutError struct{}

func (timeoutError) Error() string   { return "timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
