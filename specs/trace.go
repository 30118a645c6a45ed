package specs

import (
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/transcript"
)

// Trace is the trace block: how smtpspec looks the run's message up in
// Microsoft 365 message trace through Microsoft Graph (checklist step 6),
// with an app registration that holds the application permission
// ExchangeMessageTrace.Read.All.
type Trace struct {
	TenantID     string // directory (tenant) id or verified domain
	ClientID     string
	ClientSecret Secret
	Wait         time.Duration // how long to poll for the message; DefaultTraceWait
	GraphURL     string        // "" : https://graph.microsoft.com/v1.0
	TokenURL     string        // "" : the Microsoft identity platform endpoint of TenantID
}

// DefaultTraceWait: a message usually shows in message trace within a few
// minutes of acceptance.
const DefaultTraceWait = 5 * time.Minute

// maxTraceWait keeps a CI job bounded; smtpspec trace looks again later.
const maxTraceWait = time.Hour

var traceSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "tenant_id"}, {Name: "client_id"}, {Name: "client_secret"}, {Name: "wait"},
		{Name: "graph_url"}, {Name: "token_url"},
	},
}

// trace decodes the optional trace block.
func (d *decoder) trace(sd *siteDecode, b *hcl.Block) {
	if b == nil {
		return
	}
	tr := &Trace{Wait: DefaultTraceWait}
	sd.site.Trace = tr
	attrs := d.content(b.Body, b.Type, traceSchema).Attributes
	if attr := attrs["tenant_id"]; attr != nil {
		tr.TenantID, _ = d.word(attr, "contoso.onmicrosoft.com")
	} else {
		d.errorAt(b.DefRange, "Missing tenant_id",
			"trace needs tenant_id = \"...\" (the Directory (tenant) ID, or a verified domain such as "+
				"contoso.onmicrosoft.com): message trace is queried per tenant.")
	}
	tr.ClientID, tr.ClientSecret = d.clientCredentials(b, attrs, "trace",
		"an app registration with the application permission ExchangeMessageTrace.Read.All (admin consent granted).")
	if attr := attrs["wait"]; attr != nil {
		tr.Wait = d.traceWait(attr)
	}
	if attr := attrs["graph_url"]; attr != nil {
		tr.GraphURL = d.secureURL(attr, "https://graph.microsoft.com/v1.0", "the access token")
	}
	if attr := attrs["token_url"]; attr != nil {
		tr.TokenURL = d.tokenURL(attr)
	}
	if sd.planOK && !sd.site.Envelope.SendMessage {
		d.warningAt(b.DefRange, "Nothing to trace",
			"envelope.send_message is off, so the probe sends no message and the run does not look one up. "+
				"Set send_message = true to trace each run's message; `smtpspec trace --token` can still use this block.")
	}
}

// traceWait reads wait: zero (one lookup) up to an hour.
func (d *decoder) traceWait(attr *hcl.Attribute) time.Duration {
	s, ok := d.str(attr)
	if !ok {
		return DefaultTraceWait
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 || v > maxTraceWait {
		d.errorAt(attr.Expr.Range(), "Invalid wait",
			"wait = %q must be a duration from \"0s\" (look once) to \"1h\", like \"5m\": how long to poll message trace "+
				"for the run's message.", s)
		return DefaultTraceWait
	}
	return v
}

// secureURL reads an https URL (http only to loopback, for tests): what
// it names receives secret, so it never goes over a network in clear.
func (d *decoder) secureURL(attr *hcl.Attribute, example, secret string) string {
	s, ok := d.word(attr, example)
	if !ok {
		return ""
	}
	if err := httpsOrLoopback(s); err != "" {
		d.errorAt(attr.Expr.Range(), "Invalid "+attr.Name,
			"%s must be an https:// URL, like %q; %s (http:// is accepted only on this machine's loopback address, "+
				"for tests, since the request carries %s).", attr.Name, example, err, secret)
		return ""
	}
	return strings.TrimSuffix(s, "/")
}

// traceExpect reads status, which only the trace stage has.
func (d *decoder) traceExpect(e *checks.Expect, attrs hcl.Attributes) {
	attr := attrs["status"]
	if attr == nil {
		return
	}
	if e.Stage != transcript.Trace {
		d.errorAt(attr.NameRange, "Only for the trace stage",
			"status is the message trace status of the sent message, so it belongs in expect \"trace\", not expect %q.", e.Stage)
		return
	}
	s, ok := d.str(attr)
	if !ok {
		return
	}
	canon := transcript.TraceStatus(s)
	if !d.oneOf(attr.Expr.Range(), "trace status", canon, transcript.TraceStatuses) {
		return
	}
	e.Status = canon
}

// httpsOrLoopback says what is wrong with raw as a URL that receives a
// secret, "" when nothing is.
func httpsOrLoopback(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return "this is not an http(s) URL with a host"
	case u.Scheme == "http" && !loopbackHost(u.Hostname()):
		return "http:// would send it in clear text"
	}
	return ""
}
