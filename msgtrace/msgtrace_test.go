package msgtrace_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/msgtrace"
	"github.com/smtpspec/smtpspec/msgtrace/graphtest"
	"github.com/smtpspec/smtpspec/oauth/tokenserver"
)

const (
	secret = "s3cret-value-never-shown"
	token  = "smtpspec-0123456789abcdef"
	sender = "scanner@contoso.com"
)

// fakeClock advances only when something sleeps.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	slept  []time.Duration
	cancel bool
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *fakeClock) sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// env is a token endpoint, a Graph look-alike and a client of both.
type env struct {
	clock  *fakeClock
	tokens *tokenserver.Server
	graph  *graphtest.Server
	client *msgtrace.Client
	sent   time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)}
	access := tokenserver.Mint(tokenserver.AppOnly(clock.now).With("aud", "https://graph.microsoft.com",
		"roles", []string{"ExchangeMessageTrace.Read.All"}))
	tokens := tokenserver.NewServer(tokenserver.App, secret, access)
	graph := graphtest.New(access)
	graph.Now = clock.Now
	t.Cleanup(func() { tokens.Close(); graph.Close() })
	c, err := msgtrace.New(msgtrace.Config{TenantID: tokenserver.Tenant, ClientID: tokenserver.App, ClientSecret: secret,
		TokenURL: tokens.TokenURL(), GraphURL: graph.GraphURL()},
		msgtrace.Options{Clock: clock, Limiter: msgtrace.NewLimiter(msgtrace.QuotaQueries, msgtrace.QuotaWindow)})
	if err != nil {
		t.Fatal(err)
	}
	return &env{clock: clock, tokens: tokens, graph: graph, client: c, sent: clock.now.Add(-time.Minute)}
}

// trace is a delivered trace of the run's message to rcpt.
func (e *env) trace(id, rcpt string) graphtest.Trace {
	return graphtest.Trace{ID: id, Sender: sender, Recipient: rcpt,
		MessageID: "<" + token + ".hq@contoso.com>", Subject: "smtpspec test hq " + token,
		Received: e.sent.Add(5 * time.Second), Size: 1234, FromIP: "203.0.113.7", Status: "delivered",
		Events: []graphtest.Event{
			{At: e.sent.Add(10 * time.Second), Event: "Deliver", Description: "The message was successfully delivered."},
			{At: e.sent.Add(5 * time.Second), Event: "Receive", Description: "Message received by: MN2PR00MB0670.namprd00.prod.outlook.com"},
		}}
}

func (e *env) poll(t *testing.T, rcpts []string, wait time.Duration) (statuses []string, events []string, err error) {
	t.Helper()
	info, err := e.client.Poll(context.Background(), msgtrace.Query{Token: token, Sender: sender, Since: e.sent}, rcpts,
		wait, 30*time.Second)
	if info == nil {
		t.Fatal("Poll returned no TraceInfo")
	}
	for _, r := range info.Records {
		statuses = append(statuses, r.Recipient+" "+r.Status)
		for _, ev := range r.Events {
			events = append(events, r.Recipient+" "+ev.Event)
		}
	}
	if info.Queries != len(e.graph.Requests()) {
		t.Errorf("TraceInfo.Queries = %d, the server saw %d", info.Queries, len(e.graph.Requests()))
	}
	return statuses, events, err
}

func TestPollFindsDeliveredMessage(t *testing.T) {
	e := newEnv(t)
	e.graph.Add(e.trace("t1", "frontdesk@contoso.com"),
		graphtest.Trace{ID: "other", Sender: sender, Recipient: "frontdesk@contoso.com", Subject: "Quarterly report",
			Received: e.sent, Status: "failed"})
	statuses, events, err := e.poll(t, []string{"frontdesk@contoso.com"}, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(statuses, ";"), "frontdesk@contoso.com Delivered"; got != want {
		t.Errorf("statuses = %q, want %q", got, want)
	}
	if got, want := strings.Join(events, ";"), "frontdesk@contoso.com Receive;frontdesk@contoso.com Deliver"; got != want {
		t.Errorf("events (oldest first) = %q, want %q", got, want)
	}
	reqs := e.graph.Requests()
	if len(reqs) != 2 {
		t.Fatalf("requests = %+v, want one list and one detail", reqs)
	}
	wantFilter := "receivedDateTime ge 2026-03-04T09:44:00Z and receivedDateTime le 2026-03-04T10:00:00Z and " +
		"senderAddress eq 'scanner@contoso.com' and contains(subject, 'smtpspec-0123456789abcdef')"
	if reqs[0].Filter != wantFilter || reqs[0].Top != "100" || !reqs[0].BearerOK {
		t.Errorf("list request = %+v, want filter %q, $top 100 and the bearer token", reqs[0], wantFilter)
	}
	if want := "/v1.0/admin/exchange/tracing/messageTraces/t1/getDetailsByRecipient(recipientAddress='frontdesk@contoso.com')"; reqs[1].Path != want {
		t.Errorf("detail path = %q, want %q", reqs[1].Path, want)
	}
	if len(e.clock.sleeps()) != 0 {
		t.Errorf("slept %v although the message was there at once", e.clock.sleeps())
	}
	if tr := e.tokens.Requests(); len(tr) != 1 || tr[0].Scope != msgtrace.Scope || !tr[0].SecretOK {
		t.Errorf("token requests = %+v, want one for %s", tr, msgtrace.Scope)
	}
}

func TestPollStatusesAndWaiting(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(e *env)
		rcpts    []string
		want     string
		wantErr  string
		minSleep int // at least this many poll intervals slept
	}{
		{"paging through @odata.nextLink", func(e *env) {
			e.graph.PageSize = 1
			e.graph.Add(e.trace("a", "a@contoso.com"), e.trace("b", "b@contoso.com"), e.trace("c", "c@contoso.com"))
		}, []string{"a@contoso.com", "b@contoso.com", "c@contoso.com"},
			"a@contoso.com Delivered;b@contoso.com Delivered;c@contoso.com Delivered", "", 0},
		{"message shows in trace after a while", func(e *env) {
			tr := e.trace("t1", "frontdesk@contoso.com")
			tr.VisibleFrom = 3
			e.graph.Add(tr)
		}, []string{"frontdesk@contoso.com"}, "frontdesk@contoso.com Delivered", "", 2},
		{"pending, then delivered", func(e *env) {
			tr := e.trace("t1", "frontdesk@contoso.com")
			tr.Status, tr.Later, tr.LaterFrom = "pending", "delivered", 2
			e.graph.Add(tr)
		}, []string{"frontdesk@contoso.com"}, "frontdesk@contoso.com Delivered", "", 1},
		{"still pending when the wait ends", func(e *env) {
			tr := e.trace("t1", "frontdesk@contoso.com")
			tr.Status = "pending"
			e.graph.Add(tr)
		}, []string{"frontdesk@contoso.com"}, "frontdesk@contoso.com Pending", "", 9},
		{"quarantined", func(e *env) {
			tr := e.trace("t1", "frontdesk@contoso.com")
			tr.Status = "quarantined"
			e.graph.Add(tr)
		}, []string{"frontdesk@contoso.com"}, "frontdesk@contoso.com Quarantined", "", 0},
		{"filtered as spam and failed", func(e *env) {
			a, b := e.trace("a", "a@contoso.com"), e.trace("b", "b@contoso.com")
			a.Status, b.Status = "filteredAsSpam", "failed"
			e.graph.Add(a, b)
		}, []string{"a@contoso.com", "b@contoso.com"}, "a@contoso.com FilteredAsSpam;b@contoso.com Failed", "", 0},
		{"not found within the wait", func(e *env) {}, []string{"frontdesk@contoso.com"}, "", "", 9},
		{"503 then found", func(e *env) {
			e.graph.Fail5xx = 1
			e.graph.Add(e.trace("t1", "frontdesk@contoso.com"))
		}, []string{"frontdesk@contoso.com"}, "frontdesk@contoso.com Delivered", "", 1},
		{"Graph keeps failing", func(e *env) { e.graph.Fail5xx = 1000 }, []string{"frontdesk@contoso.com"}, "",
			"Graph answered HTTP 503 serviceNotAvailable", 9},
		{"429 with Retry-After seconds", func(e *env) {
			e.graph.Throttle, e.graph.RetryAfter = 2, "7"
			e.graph.Add(e.trace("t1", "frontdesk@contoso.com"))
		}, []string{"frontdesk@contoso.com"}, "frontdesk@contoso.com Delivered", "", 0},
		{"429 past the wait", func(e *env) {
			e.graph.Throttle, e.graph.RetryAfter = 1, "900"
			e.graph.Add(e.trace("t1", "frontdesk@contoso.com"))
		}, []string{"frontdesk@contoso.com"}, "", "throttled: Graph asked to retry after 15m0s, past the end of the wait", 0},
		{"401 before the service principal is provisioned", func(e *env) { e.graph.Unprovisioned = true },
			[]string{"frontdesk@contoso.com"}, "", "Graph answered HTTP 401 UnknownError (Graph refuses message trace with 401 until the tenant has the service principal of Microsoft's message trace app " + msgtrace.ServicePrincipalAppID, 0},
		{"403 without the permission", func(e *env) { e.graph.Forbidden = true },
			[]string{"frontdesk@contoso.com"}, "", "ExchangeMessageTrace.Read.All or its admin consent", 0},
		{"nextLink to another host", func(e *env) {
			e.graph.PageSize, e.graph.NextLinkHost = 1, "evil.example:443"
			e.graph.Add(e.trace("a", "a@contoso.com"), e.trace("b", "b@contoso.com"))
		}, []string{"a@contoso.com", "b@contoso.com"}, "", "not following it with the token", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			tt.setup(e) // before any request: no lock needed
			statuses, _, err := e.poll(t, tt.rcpts, 5*time.Minute)
			if got := strings.Join(statuses, ";"); got != tt.want {
				t.Errorf("statuses = %q, want %q", got, tt.want)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("error shows the client secret: %v", err)
			}
			polls := 0
			for _, d := range e.clock.sleeps() {
				if d == 30*time.Second {
					polls++
				}
			}
			if polls < tt.minSleep || polls > 10 {
				t.Errorf("slept %d poll intervals (%v), want %d..10 within a 5m wait", polls, e.clock.sleeps(), tt.minSleep)
			}
		})
	}
}

// TestPollShortWait: a wait shorter than the poll interval looks once at
// the start and once when the wait ends.
func TestPollShortWait(t *testing.T) {
	e := newEnv(t)
	statuses, _, err := e.poll(t, []string{"frontdesk@contoso.com"}, 5*time.Second)
	if err != nil || len(statuses) != 0 {
		t.Fatalf("statuses %v, error %v, want none", statuses, err)
	}
	if got := e.clock.sleeps(); len(got) != 1 || got[0] != 5*time.Second {
		t.Errorf("slept %v, want [5s]", got)
	}
	reqs := e.graph.Requests()
	if len(reqs) != 2 || !strings.Contains(reqs[0].Filter, "le 2026-03-04T10:00:00Z") || !strings.Contains(reqs[1].Filter, "le 2026-03-04T10:00:05Z") {
		t.Errorf("requests %+v, want a lookup at 10:00:00 and one at 10:00:05", reqs)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	for _, ra := range []struct{ header string }{{"7"}, {"date"}} {
		t.Run(ra.header, func(t *testing.T) {
			e := newEnv(t)
			header := ra.header
			if header == "date" {
				header = e.clock.Now().Add(12 * time.Second).UTC().Format(http.TimeFormat)
			}
			e.graph.Set(func(s *graphtest.Server) { s.Throttle, s.RetryAfter = 1, header })
			e.graph.Add(e.trace("t1", "frontdesk@contoso.com"))
			if _, _, err := e.poll(t, []string{"frontdesk@contoso.com"}, time.Minute); err != nil {
				t.Fatal(err)
			}
			want := 7 * time.Second
			if ra.header == "date" {
				want = 12 * time.Second
			}
			if s := e.clock.sleeps(); len(s) != 1 || s[0] != want {
				t.Errorf("slept %v, want exactly the Retry-After %v", s, want)
			}
		})
	}
}

func TestBadClientSecret(t *testing.T) {
	e := newEnv(t)
	c, err := msgtrace.New(msgtrace.Config{TenantID: tokenserver.Tenant, ClientID: tokenserver.App, ClientSecret: "wrong-" + secret,
		TokenURL: e.tokens.TokenURL(), GraphURL: e.graph.GraphURL()}, msgtrace.Options{Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Poll(context.Background(), msgtrace.Query{Token: token, Since: e.sent}, []string{"a@contoso.com"}, time.Minute, 0)
	var te *msgtrace.TokenError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "AADSTS7000215") || strings.Contains(err.Error(), secret) {
		t.Errorf("error = %v, want a TokenError naming AADSTS7000215 without the secret", err)
	}
	if n := len(e.graph.Requests()); n != 0 {
		t.Errorf("Graph got %d requests without a token", n)
	}
}

func TestLookupSplitsLongWindows(t *testing.T) {
	e := newEnv(t)
	old := e.trace("t1", "frontdesk@contoso.com")
	old.Received = e.clock.Now().Add(-15 * 24 * time.Hour)
	e.graph.Add(old)
	info, err := e.client.Lookup(context.Background(), msgtrace.Query{Token: token, Since: e.clock.Now().Add(-20 * 24 * time.Hour)},
		[]string{"frontdesk@contoso.com"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Status() != "Delivered" {
		t.Errorf("status %q, want Delivered", info.Status())
	}
	var lists int
	for _, r := range e.graph.Requests() {
		if strings.HasSuffix(r.Path, "/messageTraces") {
			lists++
			if r.Status != 200 {
				t.Errorf("request %+v refused", r)
			}
		}
	}
	if lists != 2 {
		t.Errorf("%d list requests, want 2 windows of at most 10 days (newest first, stop when found)", lists)
	}
}

func TestLimiterKeepsTheTenantQuota(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)}
	l := msgtrace.NewLimiter(3, 5*time.Minute)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := l.Wait(ctx, clock, time.Time{}); err != nil {
			t.Fatal(err)
		}
		clock.now = clock.now.Add(time.Minute)
	}
	// Three in the window (at 0, 1, 2 min); now is 3 min: the fourth waits until the first leaves at 5 min.
	if err := l.Wait(ctx, clock, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if s := clock.sleeps(); len(s) != 1 || s[0] != 2*time.Minute {
		t.Errorf("slept %v, want 2m", s)
	}
	if err := l.Wait(ctx, clock, clock.now.Add(time.Second)); err == nil || !strings.Contains(err.Error(), "quota") {
		t.Errorf("with the quota spent past the deadline: %v, want a quota error", err)
	}
	if msgtrace.ForTenant("Contoso.onmicrosoft.com") != msgtrace.ForTenant("contoso.onmicrosoft.com") {
		t.Error("ForTenant gives two limiters for one tenant")
	}
}

func TestFilterQuotes(t *testing.T) {
	at := time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC)
	got := msgtrace.Filter(msgtrace.Query{Token: "smtpspec-00", Sender: "o'brien@contoso.com"}, at, at.Add(time.Hour))
	want := "receivedDateTime ge 2026-01-20T00:00:00Z and receivedDateTime le 2026-01-20T01:00:00Z and " +
		"senderAddress eq 'o''brien@contoso.com' and contains(subject, 'smtpspec-00')"
	if got != want {
		t.Errorf("Filter = %q, want %q", got, want)
	}
}
