package transcript

import (
	"strings"
	"time"
)

// TraceInfo is what Microsoft 365 message trace (Microsoft Graph,
// /admin/exchange/tracing/messageTraces) said about the message a run
// sent: one record per recipient it found, each with its delivery status
// and events. Goldens keep only the statuses (TraceLine); ids, times and
// addresses of Microsoft's servers go to reports.
type TraceInfo struct {
	Token string // the run token looked up (Subject and Message-ID carry it)
	// Recipients are the envelope's recipients, the order TraceLine uses.
	Recipients []string
	Records    []TraceRecord // one per recipient found; empty when not found
	Queries    int           // Graph requests made, token requests excluded
	Waited     time.Duration // from the first query to the last answer
}

// TraceRecord is one exchangeMessageTrace: the message as one recipient
// got it.
type TraceRecord struct {
	ID        string // the trace id (never in goldens)
	Recipient string
	Sender    string
	Subject   string
	MessageID string
	Status    string // EAC spelling: "Delivered", "FilteredAsSpam", ... (TraceStatuses)
	Received  time.Time
	Size      int
	FromIP    string
	ToIP      string
	Events    []TraceEvent // exchangeMessageTraceDetail, oldest first
}

// TraceEvent is one exchangeMessageTraceDetail: what happened to the
// message at one point on its way.
type TraceEvent struct {
	At          time.Time
	Event       string // "Receive", "Deliver", "Fail", ...
	Action      string
	Description string
}

// TraceStatuses are the delivery statuses of exchangeMessageTraceStatus
// in the Exchange admin center's spelling (Graph sends them camelCase,
// "filteredAsSpam"; Get-MessageTraceV2 and the EAC write "FilteredAsSpam").
var TraceStatuses = []string{"GettingStatus", "Pending", "Failed", "Delivered", "Expanded", "Quarantined", "FilteredAsSpam"}

// TraceStatus returns the EAC spelling of a status however it is cased
// ("delivered" -> "Delivered"), or s unchanged when it is not one of
// TraceStatuses (a value Graph added later).
func TraceStatus(s string) string {
	for _, k := range TraceStatuses {
		if strings.EqualFold(k, s) {
			return k
		}
	}
	return s
}

// FinalTraceStatus reports whether a status will not change any more:
// GettingStatus and Pending are on the way.
func FinalTraceStatus(s string) bool {
	s = TraceStatus(s)
	return s != "GettingStatus" && s != "Pending" && s != ""
}

// Found reports whether message trace holds the message at all.
func (t *TraceInfo) Found() bool { return t != nil && len(t.Records) > 0 }

// Status is the message's overall status: the one status every record
// shares, else the worst of them (Failed, Quarantined, FilteredAsSpam,
// Pending, GettingStatus, Expanded, Delivered in that order); "" when not
// found.
func (t *TraceInfo) Status() string {
	if !t.Found() {
		return ""
	}
	worst, rank := "", len(statusRank)+1
	for _, r := range t.Records {
		if i := statusOrder(r.Status); i < rank {
			worst, rank = TraceStatus(r.Status), i
		}
	}
	return worst
}

// statusRank orders statuses from worst to best, for Status.
var statusRank = []string{"Failed", "Quarantined", "FilteredAsSpam", "Pending", "GettingStatus", "Expanded", "Delivered"}

func statusOrder(s string) int {
	for i, k := range statusRank {
		if strings.EqualFold(k, s) {
			return i
		}
	}
	return -1 // unknown values rank worst: someone must look at them
}

// Recipient returns the record for addr (case-insensitive), if found.
func (t *TraceInfo) Recipient(addr string) (TraceRecord, bool) {
	if t == nil {
		return TraceRecord{}, false
	}
	for _, r := range t.Records {
		if strings.EqualFold(r.Recipient, addr) {
			return r, true
		}
	}
	return TraceRecord{}, false
}

// TraceLine is the stable golden summary of t for its Recipients, in
// their order: "frontdesk@contoso.com Delivered", with "not found" for a
// recipient trace does not hold; "not found" alone when it holds none.
// No ids, times or IPs.
func TraceLine(t *TraceInfo) string {
	if !t.Found() {
		return "not found"
	}
	var parts []string
	for _, to := range t.Recipients {
		st := "not found"
		if r, ok := t.Recipient(to); ok {
			st = TraceStatus(r.Status)
		}
		parts = append(parts, to+" "+st)
	}
	return strings.Join(parts, ", ")
}
