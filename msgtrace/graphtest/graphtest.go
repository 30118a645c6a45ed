// Package graphtest serves a look-alike of Microsoft Graph v1.0 message
// trace on loopback, for tests: GET /admin/exchange/tracing/messageTraces
// with $filter, $top and $skiptoken paging through @odata.nextLink, and
// getDetailsByRecipient, answering with the documented JSON shapes and
// Graph's error body ({"error": {"code", "message", "innerError"}}). It
// can refuse like a tenant whose message trace service principal is not
// provisioned yet (401), like an app without ExchangeMessageTrace.Read.All
// (403), throttle with 429 and Retry-After (also by itself past 100
// queries in 5 minutes), and show a message only after some queries, or
// change its status, to exercise polling.
package graphtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Trace is one exchangeMessageTrace the server holds.
type Trace struct {
	ID, Sender, Recipient, MessageID, Subject, FromIP, ToIP string
	Received                                                time.Time
	Size                                                    int
	// Status is the status Graph reports ("delivered", "pending", ...);
	// Later, when set, replaces it from query number LaterFrom on.
	Status    string
	Later     string
	LaterFrom int
	// VisibleFrom hides the trace from list queries before query number
	// VisibleFrom (1-based; 0 = always visible): trace lags behind mail.
	VisibleFrom int
	Events      []Event
}

// Event is one exchangeMessageTraceDetail of a trace.
type Event struct {
	At                               time.Time
	Event, Action, Description, Data string
}

// Request is what one request to the server asked (never the token).
type Request struct {
	Path     string // the unescaped path, "/v1.0/admin/exchange/tracing/messageTraces"
	Filter   string // $filter
	Top      string
	Skip     string // $skiptoken
	BearerOK bool
	Status   int // what the server answered
}

// Server is the look-alike. Its fields may be changed between requests
// under Lock/Unlock (or before the first).
type Server struct {
	*httptest.Server
	// Token is the bearer token it accepts.
	Token string
	// Now is the server's clock (receivedDateTime checks, quota).
	Now func() time.Time

	mu sync.Mutex
	// Unprovisioned answers 401 like a tenant without the message trace
	// service principal; Forbidden answers 403 like an app without the
	// permission.
	Unprovisioned, Forbidden bool
	// Throttle answers the next Throttle requests with 429 and
	// Retry-After RetryAfter (seconds; "" sends no header).
	Throttle   int
	RetryAfter string
	// Fail5xx answers the next Fail5xx requests with 503.
	Fail5xx int
	// PageSize caps a page below $top, to force @odata.nextLink paging.
	PageSize int
	// NextLinkHost, when set, is put in @odata.nextLink instead of the
	// server's own host (a hostile or broken answer).
	NextLinkHost string
	// OnToken, when set, is asked once per run token a query looks for
	// (contains(subject, '...')) and its traces are added: a test that
	// does not know the token in advance (a real run makes it) can still
	// have its message in trace.
	OnToken  func(token string) []Trace
	tokens   map[string]bool
	traces   []Trace
	requests []Request
	queries  int
	window   []time.Time
}

// New starts a look-alike that accepts token. Close it when done.
func New(token string) *Server {
	s := &Server{Token: token, Now: time.Now, RetryAfter: "1"}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// GraphURL is the server's Graph root, for graph_url.
func (s *Server) GraphURL() string { return s.URL + "/v1.0" }

// Add stores traces.
func (s *Server) Add(ts ...Trace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.traces = append(s.traces, ts...)
}

// Set runs f with the server locked, to change its behaviour.
func (s *Server) Set(f func(*Server)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// Requests returns the requests served so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

const (
	listPath   = "/v1.0/admin/exchange/tracing/messageTraces"
	quota      = 100
	quotaSpan  = 5 * time.Minute
	maxTop     = 5000
	defaultTop = 1000
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	req := Request{Path: r.URL.Path, Filter: q.Get("$filter"), Top: q.Get("$top"), Skip: q.Get("$skiptoken"),
		BearerOK: r.Header.Get("Authorization") == "Bearer "+s.Token}
	status := s.answer(w, r, req)
	req.Status = status
	s.requests = append(s.requests, req)
}

// answer writes the response and returns its status.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, req Request) int {
	now := s.Now()
	switch {
	case r.Method != http.MethodGet:
		return graphErr(w, 405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.", now)
	case !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "):
		return graphErr(w, 401, "InvalidAuthenticationToken", "Access token is empty.", now)
	case !req.BearerOK:
		return graphErr(w, 401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed.", now)
	case s.Unprovisioned:
		return graphErr(w, 401, "UnknownError", "", now)
	case s.Forbidden:
		return graphErr(w, 403, "Forbidden", "Missing role permissions on the request. API requires one of 'ExchangeMessageTrace.Read.All'.", now)
	case s.Throttle > 0:
		s.Throttle--
		if s.RetryAfter != "" {
			w.Header().Set("Retry-After", s.RetryAfter)
		}
		return graphErr(w, 429, "TooManyRequests", "Too many requests.", now)
	case s.Fail5xx > 0:
		s.Fail5xx--
		return graphErr(w, 503, "serviceNotAvailable", "The service is temporarily unavailable.", now)
	}
	if !s.inQuota(now) {
		w.Header().Set("Retry-After", "60")
		return graphErr(w, 429, "TooManyRequests", "Too many requests.", now)
	}
	s.queries++
	switch {
	case r.URL.Path == listPath:
		return s.list(w, r, req, now)
	case strings.HasPrefix(r.URL.Path, listPath+"/"):
		return s.details(w, r, now)
	}
	return graphErr(w, 404, "BadRequest", "Resource not found for the segment '"+r.URL.Path+"'.", now)
}

// inQuota counts the request in the tenant's 100 per 5 minutes.
func (s *Server) inQuota(now time.Time) bool {
	cut := 0
	for cut < len(s.window) && !s.window[cut].Add(quotaSpan).After(now) {
		cut++
	}
	s.window = s.window[cut:]
	if len(s.window) >= quota {
		return false
	}
	s.window = append(s.window, now)
	return true
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, req Request, now time.Time) int {
	top := defaultTop
	if req.Top != "" {
		n, err := strconv.Atoi(req.Top)
		if err != nil || n < 1 || n > maxTop {
			return graphErr(w, 400, "BadRequest", "Invalid value for $top; it must be between 1 and 5000.", now)
		}
		top = n
	}
	f, err := parseFilter(req.Filter, now)
	if err != nil {
		return graphErr(w, 400, "BadRequest", err.Error(), now)
	}
	for _, tok := range f.contains {
		if s.OnToken != nil && !s.tokens[tok] {
			if s.tokens == nil {
				s.tokens = map[string]bool{}
			}
			s.tokens[tok] = true
			s.traces = append(s.traces, s.OnToken(tok)...)
		}
	}
	var match []Trace
	for _, t := range s.traces {
		if (t.VisibleFrom == 0 || s.queries >= t.VisibleFrom) && f.match(t) {
			match = append(match, t)
		}
	}
	skip := 0
	if req.Skip != "" {
		if skip, err = strconv.Atoi(req.Skip); err != nil || skip < 0 {
			return graphErr(w, 400, "BadRequest", "Invalid $skiptoken.", now)
		}
	}
	size := top
	if s.PageSize > 0 && s.PageSize < size {
		size = s.PageSize
	}
	end := min(skip+size, len(match))
	if skip > len(match) {
		skip = end
	}
	body := map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#admin/exchange/tracing/messageTraces"}
	var value []map[string]any
	for _, t := range match[skip:end] {
		value = append(value, s.traceJSON(t))
	}
	body["value"] = nonNil(value)
	if end < len(match) {
		next := *r.URL
		next.Scheme, next.Host = "http", r.Host
		if s.NextLinkHost != "" {
			next.Host = s.NextLinkHost
		}
		nq := next.Query()
		nq.Set("$skiptoken", strconv.Itoa(end))
		next.RawQuery = nq.Encode()
		body["@odata.nextLink"] = next.String()
	}
	return writeJSON(w, 200, body)
}

// traceJSON is t as Graph v1.0 writes an exchangeMessageTrace.
func (s *Server) traceJSON(t Trace) map[string]any {
	status := t.Status
	if t.Later != "" && s.queries >= t.LaterFrom {
		status = t.Later
	}
	return map[string]any{"id": t.ID, "senderAddress": t.Sender, "recipientAddress": t.Recipient,
		"messageId": t.MessageID, "receivedDateTime": t.Received.UTC().Format(time.RFC3339), "subject": t.Subject,
		"size": t.Size, "fromIP": t.FromIP, "toIP": t.ToIP, "status": status}
}

// details answers .../messageTraces/{id}/getDetailsByRecipient(recipientAddress='...').
func (s *Server) details(w http.ResponseWriter, r *http.Request, now time.Time) int {
	rest := strings.TrimPrefix(r.URL.Path, listPath+"/")
	id, fn, ok := strings.Cut(rest, "/")
	const pre, post = "getDetailsByRecipient(recipientAddress='", "')"
	if !ok || !strings.HasPrefix(fn, pre) || !strings.HasSuffix(fn, post) {
		return graphErr(w, 400, "BadRequest", "Resource not found for the segment '"+fn+"'.", now)
	}
	rcpt := strings.ReplaceAll(fn[len(pre):len(fn)-len(post)], "''", "'")
	for _, t := range s.traces {
		if t.ID != id || !strings.EqualFold(t.Recipient, rcpt) {
			continue
		}
		var value []map[string]any
		for _, e := range t.Events {
			value = append(value, map[string]any{"id": t.ID, "messageId": t.MessageID,
				"dateTime": e.At.UTC().Format(time.RFC3339), "event": e.Event, "action": e.Action,
				"description": e.Description, "data": e.Data})
		}
		return writeJSON(w, 200, map[string]any{
			"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.exchangeMessageTraceDetail)",
			"value":          nonNil(value)})
	}
	return writeJSON(w, 200, map[string]any{"value": []any{}})
}

func nonNil(v []map[string]any) []map[string]any {
	if v == nil {
		return []map[string]any{}
	}
	return v
}

// graphErr writes Graph's error body.
func graphErr(w http.ResponseWriter, status int, code, msg string, now time.Time) int {
	return writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]any{"date": now.UTC().Format("2006-01-02T15:04:05"),
			"request-id": fmt.Sprintf("00000000-0000-0000-0000-%012d", now.UnixNano()%1e12), "client-request-id": "0"}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) int {
	w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
	return status
}
