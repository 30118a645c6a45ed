package msgtrace

import (
	"context"
	"time"
)

// Clock is the time seam: the limiter, Retry-After waits and polling all
// use it, so tests run minutes of waiting in microseconds.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends, whichever is first; it returns
	// ctx's error when ctx ended first.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits d, or until ctx is done.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
