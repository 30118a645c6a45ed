package checks

import (
	"fmt"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// traceCheck judges the message trace lookup (checklist step 6). Its
// protocol status is the runner's: pass when every recipient's record
// says Delivered (or Expanded, a group), fail otherwise. `expect "trace"
// { status = "..." }` compares the message's status instead, so a known
// quarantine can be documented like any expected refusal.
type traceCheck struct{}

func (traceCheck) Judge(r transcript.StageResult, t *transcript.Transcript, e *Expect, now time.Time) Outcome {
	protocol := plain(r)
	if e == nil || e.Status == "" {
		return judge(r, t, e, now, subject{}, protocol)
	}
	if !reached(r) {
		return Outcome{Stage: r.Stage, Status: transcript.Fail, Reason: notReached(r, t)}
	}
	var miss []string
	if got := traceStatus(t); !strings.EqualFold(got, e.Status) {
		miss = append(miss, fmt.Sprintf("expected message trace status %s, got %s", e.Status, traceWords(t)))
	}
	rest := *e
	rest.Status = ""
	if rest.names() {
		miss = append(miss, compare(&rest, r, t, subject{}, now)...)
	}
	if len(miss) > 0 {
		return Outcome{Stage: r.Stage, Status: transcript.Fail, Reason: strings.Join(miss, "; ")}
	}
	return Outcome{Stage: r.Stage, Status: transcript.Pass, Expected: true,
		Reason: "as expected: message trace status " + e.Status + " (" + traceWords(t) + ")"}
}

// traceStatus is the message's overall trace status, "" when trace does
// not hold it.
func traceStatus(t *transcript.Transcript) string {
	if t == nil || t.Trace == nil {
		return ""
	}
	return t.Trace.Status()
}

// traceWords says what trace showed, for reasons and summaries.
func traceWords(t *transcript.Transcript) string {
	if t == nil || t.Trace == nil {
		return "no lookup"
	}
	return transcript.TraceLine(t.Trace)
}
