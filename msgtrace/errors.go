package msgtrace

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServicePrincipalAppID is Microsoft's first-party app whose service
// principal a tenant must provision before Graph message trace answers;
// until it is, Graph answers 401 for a few hours (FACTS.md section 5,
// techcommunity blog 4488587).
const ServicePrincipalAppID = "8bd644d1-64a1-4d4b-ae52-2e0cbf64e373"

// GraphError is a non-200 answer from Graph, with its documented error
// body ({"error": {"code", "message", "innerError"}}).
type GraphError struct {
	Status     int
	Code       string // "InvalidAuthenticationToken", "Authorization_RequestDenied", ...
	Message    string
	RetryAfter time.Duration // from Retry-After on 429 and 503, 0 when absent
}

func (e *GraphError) Error() string {
	s := fmt.Sprintf("Graph answered HTTP %d", e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if hint := e.Hint(); hint != "" {
		s += " (" + hint + ")"
	}
	return s
}

// Hint says what the status most likely means for message trace.
func (e *GraphError) Hint() string {
	switch e.Status {
	case http.StatusUnauthorized:
		return "Graph refuses message trace with 401 until the tenant has the service principal of Microsoft's message trace app " +
			ServicePrincipalAppID + " (create it: POST /servicePrincipals {\"appId\": \"" + ServicePrincipalAppID + "\"} or " +
			"New-MgServicePrincipal -AppId " + ServicePrincipalAppID + "), and for a few hours after; check also that the token is " +
			"for the same tenant"
	case http.StatusForbidden:
		return "the app lacks the application permission ExchangeMessageTrace.Read.All or its admin consent"
	case http.StatusBadRequest:
		return "Graph refused the query; the receivedDateTime window must be at most 10 days, within the last 90 days, and end no later than now"
	case http.StatusNotFound:
		return "no message trace at this Graph URL: it is offered in the global cloud only, at https://graph.microsoft.com/v1.0"
	case http.StatusTooManyRequests:
		return "the tenant's message trace quota is 100 queries per 5 minutes"
	}
	if e.Status >= 500 {
		return "Graph is having trouble; the lookup is tried again while the wait lasts"
	}
	return ""
}

// Terminal reports whether asking again within the wait cannot help.
func (e *GraphError) Terminal() bool {
	return e.Status != http.StatusTooManyRequests && e.Status < 500
}

// graphError decodes a Graph error answer. Retry-After is seconds or an
// HTTP date (RFC 9110 section 10.2.3).
func graphError(resp *http.Response, body []byte, now time.Time) *GraphError {
	ge := &GraphError{Status: resp.StatusCode}
	var doc struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &doc) == nil {
		ge.Code, ge.Message = doc.Error.Code, oneLine(doc.Error.Message)
	}
	if ra := strings.TrimSpace(resp.Header.Get("Retry-After")); ra != "" {
		if n, err := strconv.Atoi(ra); err == nil && n >= 0 {
			ge.RetryAfter = time.Duration(n) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil && t.After(now) {
			ge.RetryAfter = t.Sub(now)
		}
	}
	return ge
}

// oneLine keeps the first line of a message, at most 300 bytes.
func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// TokenError is a failure to get the Graph access token.
type TokenError struct{ Err error }

func (e *TokenError) Error() string {
	return "no Graph token for message trace: " + e.Err.Error()
}

func (e *TokenError) Unwrap() error { return e.Err }

// NetError is a transport failure talking to Graph.
type NetError struct {
	Host string
	Err  error
}

func (e *NetError) Error() string { return "message trace: " + e.Host + ": " + e.Err.Error() }

func (e *NetError) Unwrap() error { return e.Err }

// ThrottledError is a 429 whose Retry-After ends after the wait: the
// lookup stops rather than spend more of the tenant's quota. It does not
// unwrap to the GraphError, so polling treats it as final.
type ThrottledError struct {
	RetryAfter time.Duration
	Graph      *GraphError
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("throttled: Graph asked to retry after %s, past the end of the wait: %v", e.RetryAfter, e.Graph)
}

// QuotaError is the tenant's message trace quota spent until after the
// lookup's wait ends (limiter.go); Waits > 0 when no slot came after that
// many waits, which the limiter's bound keeps from happening.
type QuotaError struct {
	Max    int
	Window time.Duration
	Waits  int
}

func (e *QuotaError) Error() string {
	if e.Waits > 0 {
		return fmt.Sprintf("message trace quota: no slot after %d waits", e.Waits)
	}
	return fmt.Sprintf("the tenant's message trace quota (%d queries per %s) is spent until after the wait ends", e.Max, e.Window)
}
