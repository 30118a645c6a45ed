package report

import (
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// JSONTrace is the message trace lookup of a site's message: the run
// token, the overall status and, per recipient, the status and events.
type JSONTrace struct {
	Token   string            `json:"token"`
	Found   bool              `json:"found"`
	Status  string            `json:"status"` // "" when not found
	Queries int               `json:"queries"`
	Records []JSONTraceRecord `json:"records"`
}

// JSONTraceRecord is one recipient's trace.
type JSONTraceRecord struct {
	Recipient string           `json:"recipient"`
	Status    string           `json:"status"`
	Received  time.Time        `json:"received"`
	MessageID string           `json:"message_id"`
	Size      int              `json:"size"`
	Events    []JSONTraceEvent `json:"events"`
}

// JSONTraceEvent is one event of a recipient's trace.
type JSONTraceEvent struct {
	At          time.Time `json:"at"`
	Event       string    `json:"event"`
	Action      string    `json:"action,omitempty"`
	Description string    `json:"description,omitempty"`
}

// NewJSONTrace returns t's trace lookup, nil when there was none.
func NewJSONTrace(t *transcript.Transcript) *JSONTrace {
	if t == nil || t.Trace == nil {
		return nil
	}
	ti := t.Trace
	out := &JSONTrace{Token: ti.Token, Found: ti.Found(), Status: ti.Status(), Queries: ti.Queries, Records: []JSONTraceRecord{}}
	for _, r := range ti.Records {
		jr := JSONTraceRecord{Recipient: r.Recipient, Status: r.Status, Received: r.Received, MessageID: r.MessageID,
			Size: r.Size, Events: []JSONTraceEvent{}}
		for _, ev := range r.Events {
			jr.Events = append(jr.Events, JSONTraceEvent{At: ev.At, Event: ev.Event, Action: ev.Action, Description: ev.Description})
		}
		out.Records = append(out.Records, jr)
	}
	return out
}
