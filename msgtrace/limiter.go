package msgtrace

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Graph's message trace quota: "max 100 message-trace queries per tenant
// per 5-minute window shared by trace and detail" (FACTS.md section 5;
// the Graph List messageTraces page says 100 requests per 5 minutes).
const (
	QuotaQueries = 100
	QuotaWindow  = 5 * time.Minute
)

// Limiter keeps one tenant's Graph message trace queries within the quota:
// a sliding window of the last QuotaQueries request times. Every site of a
// run that traces through the same tenant shares one Limiter (ForTenant),
// so a fleet of sites cannot spend the tenant's quota between them.
type Limiter struct {
	max    int
	window time.Duration

	mu   sync.Mutex
	sent []time.Time // times of the requests still inside the window, oldest first
}

// NewLimiter returns a limiter allowing max requests in any window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window}
}

var tenants = struct {
	sync.Mutex
	m map[string]*Limiter
}{m: map[string]*Limiter{}}

// ForTenant returns the process-wide limiter of tenant (a tenant id or
// domain, compared case-insensitively).
func ForTenant(tenant string) *Limiter {
	key := strings.ToLower(strings.TrimSpace(tenant))
	tenants.Lock()
	defer tenants.Unlock()
	l, ok := tenants.m[key]
	if !ok {
		l = NewLimiter(QuotaQueries, QuotaWindow)
		tenants.m[key] = l
	}
	return l
}

// Wait blocks until one more request fits in the window and counts it.
// It gives up, without counting, when the slot would open after
// deadline (zero: no deadline) or ctx ends.
func (l *Limiter) Wait(ctx context.Context, clock Clock, deadline time.Time) error {
	for i := 0; ; i++ {
		d := l.reserve(clock.Now())
		if d == 0 {
			return nil
		}
		if !deadline.IsZero() && clock.Now().Add(d).After(deadline) {
			return &QuotaError{Max: l.max, Window: l.window}
		}
		if i > l.max { // cannot happen: each sleep frees a slot; bound the loop anyway
			return &QuotaError{Waits: i}
		}
		if err := clock.Sleep(ctx, d); err != nil {
			return err
		}
	}
}

// reserve counts a request at now if the window has room and returns 0;
// otherwise it returns how long until the oldest request leaves it.
func (l *Limiter) reserve(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	cut := 0
	for cut < len(l.sent) && !l.sent[cut].Add(l.window).After(now) {
		cut++
	}
	l.sent = l.sent[cut:]
	if len(l.sent) < l.max {
		l.sent = append(l.sent, now)
		return 0
	}
	return l.sent[0].Add(l.window).Sub(now)
}
