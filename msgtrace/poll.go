package msgtrace

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// DefaultInterval is the time between two lookups while polling: a
// message usually shows in trace within minutes, and a 5-minute wait then
// costs about 11 of the tenant's 100 queries per 5 minutes.
const DefaultInterval = 30 * time.Second

// skew is how far before the message's sending the window starts: the
// probe's clock and Microsoft's may disagree.
const skew = 15 * time.Minute

// Poll looks q up every interval until every recipient's record has a
// final status (Delivered, Failed, Quarantined, FilteredAsSpam, Expanded)
// or wait has passed since the first lookup, then fetches the events of
// what it found. It always returns a TraceInfo (Records empty when not
// found); the error says why the lookup could not complete: a token or
// Graph refusal ends it at once, a Graph or network failure is retried
// while the wait lasts.
func (c *Client) Poll(ctx context.Context, q Query, recipients []string, wait, interval time.Duration) (*transcript.TraceInfo, error) {
	if interval <= 0 {
		interval = DefaultInterval
	}
	start := c.clock.Now()
	deadline := start.Add(wait)
	info := &transcript.TraceInfo{Token: q.Token, Recipients: recipients}
	defer func() { info.Queries, info.Waited = c.queries, c.clock.Now().Sub(start) }()
	var traces []Trace
	var lastErr error
	for {
		found, err := c.lookup(ctx, q, deadline)
		switch {
		case err == nil:
			traces, lastErr = found, nil
		case terminal(err):
			return info, err
		default:
			lastErr = err
		}
		if complete(traces, recipients) {
			break
		}
		// The next poll is an interval on, or at the deadline when that
		// comes first: a wait shorter than the interval still looks
		// again when it ends.
		now := c.clock.Now()
		if !now.Before(deadline) || ctx.Err() != nil {
			break
		}
		if err := c.clock.Sleep(ctx, min(interval, deadline.Sub(now))); err != nil {
			break
		}
	}
	info.Records = records(traces)
	if err := c.withEvents(ctx, info, deadline.Add(interval)); err != nil {
		return info, err
	}
	if len(traces) == 0 && lastErr != nil {
		return info, lastErr
	}
	return info, nil
}

// Lookup looks q up once over [since, now] in windows of at most
// MaxWindow, newest first, and fetches the events of what it finds.
func (c *Client) Lookup(ctx context.Context, q Query, recipients []string) (*transcript.TraceInfo, error) {
	start := c.clock.Now()
	info := &transcript.TraceInfo{Token: q.Token, Recipients: recipients}
	defer func() { info.Queries, info.Waited = c.queries, c.clock.Now().Sub(start) }()
	traces, err := c.lookup(ctx, q, time.Time{})
	if err != nil {
		return info, err
	}
	info.Records = records(traces)
	return info, c.withEvents(ctx, info, time.Time{})
}

// lookup asks once, over every window from q.Since to now.
func (c *Client) lookup(ctx context.Context, q Query, deadline time.Time) ([]Trace, error) {
	now := c.clock.Now().UTC().Truncate(time.Second)
	since := q.Since.Add(-skew)
	if oldest := now.Add(-MaxHistory); since.Before(oldest) {
		since = oldest
	}
	var out []Trace
	for to := now; to.After(since); to = to.Add(-MaxWindow) {
		from := to.Add(-MaxWindow)
		if from.Before(since) {
			from = since
		}
		got, err := c.list(ctx, q, from, to, deadline)
		if err != nil {
			return nil, err
		}
		out = append(out, matching(got, q.Token)...)
		if len(out) > 0 {
			break // the message is in this window: no need to look further back
		}
	}
	return out, nil
}

// matching keeps the traces whose subject or Message-ID carries token: a
// server that ignores part of the filter must not make another message
// count as ours.
func matching(ts []Trace, token string) []Trace {
	var out []Trace
	for _, t := range ts {
		if strings.Contains(t.Subject, token) || strings.Contains(t.MessageID, token) {
			out = append(out, t)
		}
	}
	return out
}

// complete reports whether every recipient has a record with a final
// status. Expanded (a distribution group) counts as final.
func complete(ts []Trace, recipients []string) bool {
	if len(ts) == 0 {
		return false
	}
	for _, r := range recipients {
		i := slices.IndexFunc(ts, func(t Trace) bool { return strings.EqualFold(t.RecipientAddress, r) })
		if i < 0 || !transcript.FinalTraceStatus(ts[i].Status) {
			return false
		}
	}
	for _, t := range ts {
		if !transcript.FinalTraceStatus(t.Status) {
			return false
		}
	}
	return true
}

// records converts Graph's traces, one per recipient (the newest when
// Graph lists one twice).
func records(ts []Trace) []transcript.TraceRecord {
	var out []transcript.TraceRecord
	seen := map[string]int{}
	for _, t := range ts {
		r := transcript.TraceRecord{ID: t.ID, Recipient: t.RecipientAddress, Sender: t.SenderAddress, Subject: t.Subject,
			MessageID: t.MessageID, Status: transcript.TraceStatus(t.Status), Received: t.ReceivedDateTime, Size: t.Size,
			FromIP: t.FromIP, ToIP: t.ToIP}
		key := strings.ToLower(t.RecipientAddress)
		if i, dup := seen[key]; dup {
			if r.Received.After(out[i].Received) {
				out[i] = r
			}
			continue
		}
		seen[key] = len(out)
		out = append(out, r)
	}
	return out
}

// withEvents fetches the events of every record; a failure leaves the
// records as they are and is returned.
func (c *Client) withEvents(ctx context.Context, info *transcript.TraceInfo, deadline time.Time) error {
	for i := range info.Records {
		r := &info.Records[i]
		ds, err := c.details(ctx, r.ID, r.Recipient, deadline)
		if err != nil {
			return fmt.Errorf("events of the trace for %s: %w", r.Recipient, err)
		}
		for _, d := range ds {
			r.Events = append(r.Events, transcript.TraceEvent{At: d.DateTime, Event: d.Event, Action: d.Action,
				Description: oneLine(d.Description)})
		}
		slices.SortStableFunc(r.Events, func(a, b transcript.TraceEvent) int { return a.At.Compare(b.At) })
	}
	return nil
}

// terminal reports an error that asking again cannot fix within a wait:
// only a transport failure and Graph's own 5xx and 429 are worth
// another lookup; a refusal, a spent quota or a malformed answer is not.
func terminal(err error) bool {
	var ge *GraphError
	if errors.As(err, &ge) {
		return ge.Terminal()
	}
	var ne *NetError
	return !errors.As(err, &ne)
}
