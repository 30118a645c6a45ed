package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// errLocal marks a failure found before anything went on the wire (a CR
// in an address, an unknown mechanism): the connection stays usable.
var errLocal = errors.New("not sent")

// classify turns err into the transcript's error vocabulary, in short
// human words that name the peer but never repeat what the client sent.
// timeout is the text for a passed stage deadline ("no reply within 2s");
// when ctx's own deadline (the site's timeouts.total) has passed, or ctx
// was cancelled, the text says so instead. An error it cannot place
// counts as a reset: the connection is no longer usable.
func classify(ctx context.Context, err error, peer, timeout string) *transcript.Error {
	var te *transcript.Error
	if errors.As(err, &te) {
		return te
	}
	kind, text, known := netFailure(err, peer)
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		kind, text = transcript.KindTimeout, "probe cancelled"
	case isTimeout(err) || ctx.Err() != nil:
		kind, text = transcript.KindTimeout, timeout
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
			text = siteDeadline
		}
	case !known:
		kind, text = transcript.KindReset, err.Error()
	}
	return &transcript.Error{Kind: kind, Text: text, Err: err}
}

// netFailure places a socket error: refused, unreachable, reset, closed.
func netFailure(err error, peer string) (transcript.Kind, string, bool) {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return transcript.KindRefused, "connection refused by " + peer, true
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return transcript.KindUnreachable, "no route to " + peer, true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return transcript.KindReset, "connection reset by " + peer, true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return transcript.KindClosed, "connection closed by " + peer, true
	}
	return "", "", false
}

// siteDeadline is the text of a failure at the site's total deadline.
const siteDeadline = "site deadline passed (timeouts.total)"

func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isLocal reports an error found before anything was sent.
func isLocal(e *transcript.Error) bool { return e != nil && errors.Is(e.Err, errLocal) }
