package runner

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/msgtrace"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// TraceOptions are the message trace lookup's seams; the zero value is
// production (wall clock, 30s between lookups, the tenant's shared quota).
type TraceOptions struct {
	HTTP     *http.Client      // nil: ProbeOptions.HTTPClient, else a 30s-timeout client
	Clock    msgtrace.Clock    // nil: the wall clock
	Interval time.Duration     // between lookups; 0: msgtrace.DefaultInterval
	Limiter  *msgtrace.Limiter // nil: msgtrace.ForTenant(tenant), shared by the process
}

// traceLater stands for the trace stage inside the session: the lookup
// needs no connection and may wait minutes, longer than timeouts.total,
// so RunSite runs it after Probe (traceMessage).
func (s *session) traceLater() transcript.StageResult {
	return transcript.StageResult{Status: transcript.Skip, Note: "looked up after the session"}
}

// traceMessage runs the trace stage of t: when the site has a trace block
// and its message was accepted, it polls message trace for the run token
// until every recipient has a final status or trace.wait ends, and
// records the result in t.Trace and the trace stage.
func traceMessage(ctx context.Context, s *specs.Site, t *transcript.Transcript, opts Options) {
	i := stageIndex(t, transcript.Trace)
	if i < 0 || s.Trace == nil || t.Interrupted != "" {
		return
	}
	if d := t.Stage(transcript.Data); d.Status != transcript.Pass {
		t.Stages[i] = transcript.StageResult{Stage: transcript.Trace, Status: transcript.Skip,
			Note: "not looked up: the message was not accepted (data " + string(d.Status) + "), and message trace holds only accepted messages"}
		return
	}
	if ctx.Err() != nil {
		t.Stages[i] = interruptAt(ctx, t, transcript.Trace, 0) // interrupt.go
		return
	}
	r := lookUp(ctx, s, t, opts)
	if r.Status != transcript.Pass && ctx.Err() != nil {
		r = interruptAt(ctx, t, transcript.Trace, r.Duration) // the poll was cut short, not refused
	}
	t.Stages[i] = r
}

// lookUp polls message trace and judges what it found.
func lookUp(ctx context.Context, s *specs.Site, t *transcript.Transcript, opts Options) transcript.StageResult {
	r := transcript.StageResult{Stage: transcript.Trace}
	c, err := NewTraceClient(s.Trace, opts.Trace, opts.Probe.HTTPClient)
	if err != nil {
		r.Status, r.Err = transcript.Fail, &transcript.Error{Kind: transcript.KindTrace, Text: err.Error(), Reason: traceReason(err), Err: err}
		return r
	}
	q := msgtrace.Query{Token: t.Token, Sender: s.Envelope.From, Since: t.Started}
	info, err := c.Poll(ctx, q, s.Envelope.To, s.Trace.Wait, opts.Trace.Interval)
	t.Trace, r.Duration = info, info.Waited
	forms := transcript.SecretForms(append(s.Secrets(), c.Secrets()...))
	r.Status, r.Note = traceJudgement(info, s.Envelope.To)
	if err != nil {
		r.Status = transcript.Fail
		r.Err = &transcript.Error{Kind: transcript.KindTrace, Text: transcript.RedactString(err.Error(), forms), Reason: traceReason(err)}
	}
	r.Note = transcript.RedactString(r.Note+fmt.Sprintf(" (%d Graph queries in %s)", info.Queries, info.Waited.Round(time.Second)), forms)
	return r
}

// NewTraceClient returns a message trace client for a site's trace block.
func NewTraceClient(tr *specs.Trace, o TraceOptions, fallback *http.Client) (*msgtrace.Client, error) {
	hc := o.HTTP
	if hc == nil {
		hc = fallback
	}
	return msgtrace.New(msgtrace.Config{TenantID: tr.TenantID, ClientID: tr.ClientID, ClientSecret: tr.ClientSecret.Reveal(),
		TokenURL: tr.TokenURL, GraphURL: tr.GraphURL}, msgtrace.Options{HTTP: hc, Clock: o.Clock, Limiter: o.Limiter})
}

// traceJudgement is the protocol status of a lookup: pass when every
// recipient's message was delivered (Expanded: to a group's members).
func traceJudgement(info *transcript.TraceInfo, to []string) (transcript.Status, string) {
	if !info.Found() {
		return transcript.Fail, "not in message trace"
	}
	var bad []string
	for _, addr := range to {
		rec, ok := info.Recipient(addr)
		switch {
		case !ok:
			bad = append(bad, addr+" not found")
		case rec.Status != "Delivered" && rec.Status != "Expanded":
			bad = append(bad, addr+" "+rec.Status)
		}
	}
	if len(bad) > 0 {
		return transcript.Fail, "message trace: " + strings.Join(bad, ", ")
	}
	return transcript.Pass, "message trace: " + transcript.TraceLine(info)
}

func stageIndex(t *transcript.Transcript, name transcript.Stage) int {
	for i, st := range t.Stages {
		if st.Stage == name {
			return i
		}
	}
	return -1
}
