package msgtrace

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Query says which message to look for.
type Query struct {
	Token  string    // the run token: the Subject carries it
	Sender string    // the envelope sender (senderAddress), "" for any
	Since  time.Time // the earliest receivedDateTime to look at
}

// Graph's limits on the receivedDateTime window (List messageTraces,
// v1.0): at most 10 days long, starting at most 90 days ago.
const (
	MaxWindow  = 10 * 24 * time.Hour
	MaxHistory = 90 * 24 * time.Hour
)

// pageSize is the $top of each request: the filter matches one record per
// recipient, so one page holds them; paging still follows nextLink.
const pageSize = 100

// maxPages bounds how many pages one lookup follows.
const maxPages = 20

// Trace is one exchangeMessageTrace as Graph v1.0 documents it.
type Trace struct {
	ID               string    `json:"id"`
	SenderAddress    string    `json:"senderAddress"`
	RecipientAddress string    `json:"recipientAddress"`
	MessageID        string    `json:"messageId"`
	ReceivedDateTime time.Time `json:"receivedDateTime"`
	Subject          string    `json:"subject"`
	Size             int       `json:"size"`
	FromIP           string    `json:"fromIP"`
	ToIP             string    `json:"toIP"`
	Status           string    `json:"status"`
}

// Detail is one exchangeMessageTraceDetail.
type Detail struct {
	ID          string    `json:"id"`
	MessageID   string    `json:"messageId"`
	DateTime    time.Time `json:"dateTime"`
	Event       string    `json:"event"`
	Action      string    `json:"action"`
	Description string    `json:"description"`
	Data        string    `json:"data"`
}

// page is a Graph collection page.
type page[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// Filter is the $filter of q over [from, to]: the receivedDateTime range
// Graph requires, the sender, and the token in the subject. The v1.0
// exchangeMessageTrace resource documents these operators: receivedDateTime
// (ge, le), senderAddress (eq), subject (contains, startsWith, endsWith).
// The token is matched again in the client (matching, in poll.go).
func Filter(q Query, from, to time.Time) string {
	parts := []string{
		"receivedDateTime ge " + odataTime(from),
		"receivedDateTime le " + odataTime(to),
	}
	if q.Sender != "" {
		parts = append(parts, "senderAddress eq "+odataString(q.Sender))
	}
	parts = append(parts, "contains(subject, "+odataString(q.Token)+")")
	return strings.Join(parts, " and ")
}

// odataTime is the ISO 8601 form Graph documents: YYYY-MM-DDThh:mm:ssZ.
func odataTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// odataString quotes s as an OData string literal (a quote is doubled).
func odataString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// queryEscape escapes a query value with %20 for spaces: OData servers
// read "+" literally.
func queryEscape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// list returns the traces matching q received in [from, to], every page.
func (c *Client) list(ctx context.Context, q Query, from, to, deadline time.Time) ([]Trace, error) {
	u := c.base.String() + "/admin/exchange/tracing/messageTraces?$filter=" + queryEscape(Filter(q, from, to)) +
		fmt.Sprintf("&$top=%d", pageSize)
	var out []Trace
	for n := 0; u != ""; n++ {
		if n == maxPages {
			return out, fmt.Errorf("message trace: more than %d pages for one run token; stopped", maxPages)
		}
		var p page[Trace]
		if err := c.getJSON(ctx, u, deadline, &p); err != nil {
			return out, err
		}
		out = append(out, p.Value...)
		u = p.NextLink
	}
	return out, nil
}

// details returns the events of trace id for recipient, every page.
func (c *Client) details(ctx context.Context, id, recipient string, deadline time.Time) ([]Detail, error) {
	u := c.base.String() + "/admin/exchange/tracing/messageTraces/" + url.PathEscape(id) +
		"/getDetailsByRecipient(recipientAddress=" + url.PathEscape(odataString(recipient)) + ")"
	var out []Detail
	for n := 0; u != ""; n++ {
		if n == maxPages {
			return out, fmt.Errorf("message trace details: more than %d pages; stopped", maxPages)
		}
		var p page[Detail]
		if err := c.getJSON(ctx, u, deadline, &p); err != nil {
			return out, err
		}
		out = append(out, p.Value...)
		u = p.NextLink
	}
	return out, nil
}
