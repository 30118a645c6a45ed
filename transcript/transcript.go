// Package transcript holds what a probe records about one SMTP conversation:
// every protocol line each way, the replies as parsed, the TLS facts and one
// result per stage. Every other package reads this shape; none of them
// changes it after the probe has finished.
//
// A Transcript never holds a secret: the recording client writes
// "<redacted>" in place of AUTH payloads before a line is appended, and
// Redact removes any secret a server might echo back.
package transcript

import (
	"time"
)

// Direction says who sent a line.
type Direction byte

const (
	// Client marks a line the probe sent ("C:" in goldens).
	Client Direction = 'C'
	// Server marks a line the server sent ("S:" in goldens).
	Server Direction = 'S'
)

// Line is one protocol line as it crossed the wire, without its CRLF.
type Line struct {
	Dir   Direction
	Stage Stage         // the stage that sent or received it
	Text  string        // printable text; non-printable bytes escaped as \xNN
	At    time.Duration // offset from the start of the probe (never in goldens)
}

// Status is the protocol outcome of one stage, before expectations are
// applied: did the server do what a working path would do?
type Status string

const (
	// Pass: the stage completed as a working path would.
	Pass Status = "pass"
	// Fail: the server refused, the network failed, or the deadline passed.
	Fail Status = "fail"
	// Skip: the stage was not reached or does not apply to this run.
	Skip Status = "skip"
)

// StageResult is what one stage of the probe established.
type StageResult struct {
	Stage    Stage
	Status   Status
	Reply    *Reply        // the reply that decided the stage, if any
	Err      *Error        // the failure without a usable reply, if any
	Note     string        // a fact worth a human's eye (e.g. "STARTTLS not advertised")
	Duration time.Duration // wall time of the stage (never in goldens)
	Addr     string        // connect: the address that was used
}

// Evidence is the exact line that decided a stage: the reply line that
// carries the code, or the error text.
func (r StageResult) Evidence() string {
	switch {
	case r.Reply != nil:
		return r.Reply.Line()
	case r.Err != nil:
		return r.Err.Error()
	}
	return ""
}

// Transcript is the whole record of one site's probe.
type Transcript struct {
	Site   string
	Method Method
	Target string // host:port as the spec names it (not the resolved address)
	Lines  []Line
	Stages []StageResult
	TLS    *TLSInfo
	// EHLO capabilities (keywords with parameters, upper-cased keyword)
	// before and after TLS.
	Capabilities    Capabilities
	CapabilitiesTLS Capabilities
	Token           string // the run token carried by a sent message, if any
	Started         time.Time
	Duration        time.Duration
	// Reach holds DNS answers, connect attempts and the site's reputation
	// (reachability.go); nil when the probe recorded none.
	Reach *Reachability
	// OAuth is what the XOAUTH2 access token claims (never the token), nil
	// without XOAUTH2 (oauth.go).
	OAuth *OAuthInfo
	// Trace is what Microsoft 365 message trace said about the sent
	// message, nil when the site has no trace block (trace.go).
	Trace *TraceInfo
	// Interrupted names the stage during (or before) which the run was
	// cancelled (SIGINT, SIGTERM, a CI job stopped): that stage has status
	// Skip with a note, every later one Skip. "" when the probe ran to its
	// end. An interrupted transcript is evidence of what happened before
	// the cancellation, never a finding about the path.
	Interrupted Stage
}

// Stage returns the result recorded for name, or a zero result with
// status Skip when the stage never ran.
func (t *Transcript) Stage(name Stage) StageResult {
	for _, s := range t.Stages {
		if s.Stage == name {
			return s
		}
	}
	return StageResult{Stage: name, Status: Skip}
}

// Failed returns the first stage whose protocol status is Fail.
func (t *Transcript) Failed() (StageResult, bool) {
	for _, s := range t.Stages {
		if s.Status == Fail {
			return s, true
		}
	}
	return StageResult{}, false
}

// EvidenceOrNote is the exact line that decided r, or the probe's note
// when it recorded neither a reply nor an error.
func (r StageResult) EvidenceOrNote() string {
	if ev := r.Evidence(); ev != "" {
		return ev
	}
	return r.Note
}

// AfterTLS reports whether stage ran inside a TLS session: the tls stage
// passed and was recorded before it (implicit TLS puts tls before banner
// and ehlo).
func (t *Transcript) AfterTLS(stage Stage) bool {
	for _, s := range t.Stages {
		if s.Stage == stage {
			return false
		}
		if s.Stage == TLS && s.Status == Pass {
			return true
		}
	}
	return false
}

// ServerLines returns the text of the lines the server sent at stage.
func (t *Transcript) ServerLines(stage Stage) []string {
	var out []string
	for _, l := range t.Lines {
		if l.Dir == Server && l.Stage == stage {
			out = append(out, l.Text)
		}
	}
	return out
}

// Reached reports whether the named stage ran (passed or failed).
func (t *Transcript) Reached(name Stage) bool {
	return t.Stage(name).Status != Skip
}
