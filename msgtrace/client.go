package msgtrace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/oauth"
)

// DefaultGraphURL is Microsoft Graph v1.0 in the global cloud, the only
// cloud that offers message trace.
const DefaultGraphURL = "https://graph.microsoft.com/v1.0"

// Scope is the scope of an app-only Graph token: the permissions granted
// to the app (ExchangeMessageTrace.Read.All) come with .default.
const Scope = "https://graph.microsoft.com/.default"

// maxBody bounds what one Graph answer may make us read.
const maxBody = 8 << 20

// maxRetries429 bounds how often one request is retried after 429.
const maxRetries429 = 5

// Config is how to reach a tenant's message trace.
type Config struct {
	TenantID     string // directory (tenant) id or verified domain: token endpoint and quota key
	ClientID     string // the app registration with ExchangeMessageTrace.Read.All
	ClientSecret string
	TokenURL     string // "" : the Microsoft identity platform endpoint of TenantID
	GraphURL     string // "" : DefaultGraphURL
}

// Client queries one tenant's message trace. It is safe for one goroutine
// at a time; every site gets its own.
type Client struct {
	cfg   Config
	base  *url.URL
	http  *http.Client
	clock Clock
	limit *Limiter

	token   string // cached access token (never logged)
	queries int    // Graph requests made
}

// Options are the client's seams; the zero value is production.
type Options struct {
	HTTP    *http.Client // nil: a client with a 30s timeout
	Clock   Clock        // nil: RealClock
	Limiter *Limiter     // nil: ForTenant(cfg.TenantID)
}

// New returns a client for cfg.
func New(cfg Config, o Options) (*Client, error) {
	raw := cfg.GraphURL
	if raw == "" {
		raw = DefaultGraphURL
	}
	base, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || base.Host == "" || (base.Scheme != "https" && base.Scheme != "http") {
		return nil, fmt.Errorf("graph_url %q is not an http(s) URL", raw)
	}
	c := &Client{cfg: cfg, base: base, http: o.HTTP, clock: o.Clock, limit: o.Limiter}
	if c.http == nil {
		c.http = &http.Client{Timeout: 30 * time.Second}
	}
	if c.clock == nil {
		c.clock = RealClock{}
	}
	if c.limit == nil {
		c.limit = ForTenant(cfg.TenantID)
	}
	return c, nil
}

// Queries returns the number of Graph requests made so far.
func (c *Client) Queries() int { return c.queries }

// Secrets returns what must never be shown: the client secret and the
// access token, for redaction by callers.
func (c *Client) Secrets() []string {
	var out []string
	for _, s := range []string{c.cfg.ClientSecret, c.token} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// accessToken returns the cached token or gets one.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	if c.token != "" {
		return c.token, nil
	}
	tok, err := oauth.Token(ctx, oauth.Config{
		TenantID: c.cfg.TenantID, ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret,
		Scopes: []string{Scope}, TokenURL: c.cfg.TokenURL,
	}, c.http)
	if err != nil {
		return "", &TokenError{Err: err}
	}
	c.token = tok
	return tok, nil
}

// getJSON GETs u (an absolute URL on the Graph host) into v, within the
// quota and deadline, waiting out 429s as Graph asks.
func (c *Client) getJSON(ctx context.Context, u string, deadline time.Time, v any) error {
	if err := c.sameHost(u); err != nil {
		return err
	}
	for try := 0; ; try++ {
		err := c.getOnce(ctx, u, deadline, v)
		var ge *GraphError
		if !errors.As(err, &ge) || ge.Status != http.StatusTooManyRequests {
			return err
		}
		wait := ge.RetryAfter
		if wait <= 0 {
			wait = time.Duration(1<<try) * time.Second // no Retry-After: back off exponentially
		}
		if try >= maxRetries429 {
			return fmt.Errorf("still throttled after %d retries: %w", try, err)
		}
		if !deadline.IsZero() && c.clock.Now().Add(wait).After(deadline) {
			return &ThrottledError{RetryAfter: wait, Graph: ge}
		}
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// getOnce makes one request.
func (c *Client) getOnce(ctx context.Context, u string, deadline time.Time, v any) error {
	tok, err := c.accessToken(ctx)
	if err != nil {
		return err
	}
	if err := c.limit.Wait(ctx, c.clock, deadline); err != nil {
		return fmt.Errorf("message trace: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("message trace request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	c.queries++
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is ours; the cause is what matters
		}
		return &NetError{Host: c.base.Host, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return &NetError{Host: c.base.Host, Err: err}
	}
	if len(body) > maxBody {
		return fmt.Errorf("message trace: Graph's answer is larger than %d bytes", maxBody)
	}
	if resp.StatusCode != http.StatusOK {
		ge := graphError(resp, body, c.clock.Now())
		if ge.Status == http.StatusUnauthorized {
			c.token = "" // a new token next time: this one may have expired
		}
		return ge
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("message trace: Graph's answer is not the documented JSON: %w", err)
	}
	return nil
}

// sameHost refuses to send the token anywhere but the Graph host the
// spec names: an @odata.nextLink pointing elsewhere is not followed.
func (c *Client) sameHost(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("message trace: bad link %q: %w", raw, err)
	}
	if !strings.EqualFold(u.Scheme, c.base.Scheme) || !strings.EqualFold(u.Host, c.base.Host) {
		return fmt.Errorf("message trace: Graph returned a link to %s://%s, not %s://%s; not following it with the token",
			u.Scheme, u.Host, c.base.Scheme, c.base.Host)
	}
	return nil
}
