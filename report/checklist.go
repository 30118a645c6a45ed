package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// StepStatus is what a run established for one checklist step.
type StepStatus string

const (
	StepPassed        StepStatus = "passed"
	StepFailed        StepStatus = "failed"
	StepNotReached    StepStatus = "not reached"
	StepNotApplicable StepStatus = "not applicable"
)

// ChecklistStep is one of the ten troubleshooting steps (DESIGN.md) with
// what this run established for it.
type ChecklistStep struct {
	Step    int
	Title   string
	Status  StepStatus
	Finding string // what the run showed, with the evidence
}

// stepTitles are the field checklist's steps, in order.
var stepTitles = [10]string{
	"Identify the sending method",
	"DNS and TCP reachability",
	"Banner and EHLO (STARTTLS, SIZE, PIPELINING advertised)",
	"STARTTLS handshake and second EHLO",
	"Full envelope: MAIL FROM and RCPT TO",
	"Message trace",
	"IP reputation (port-25 methods)",
	"Submission on 587 as a control",
	"Authentication settings",
	"Record the errors and transcripts before changing anything",
}

// StepTitles are the ten checklist steps' titles, step 1 first: the
// numbers verdicts cite ("reputation at rcpt (step 7)").
func StepTitles() []string { return stepTitles[:] }

// Checklist walks the ten steps for one site's result.
func Checklist(r *runner.Result) []ChecklistStep {
	steps := []func(*runner.Result) (StepStatus, string){
		stepMethod, stepReach, stepGreeting, stepTLS, stepEnvelope, stepTrace, stepReputation, stepControl, stepAuth, stepRecord,
	}
	out := make([]ChecklistStep, len(steps))
	for i, f := range steps {
		st, finding := f(r)
		out[i] = ChecklistStep{Step: i + 1, Title: stepTitles[i], Status: st, Finding: finding}
	}
	return out
}

func stage(r *runner.Result, name transcript.Stage) transcript.StageResult {
	return r.Transcript.Stage(name)
}

// byStages judges a step by its stages: the first failure fails it, all
// passed passes it, nothing ran is not reached.
func byStages(r *runner.Result, names ...transcript.Stage) (StepStatus, string) {
	ran := false
	for _, n := range names {
		s := stage(r, n)
		switch s.Status {
		case transcript.Fail:
			return StepFailed, string(n) + " failed: " + s.Evidence()
		case transcript.Pass:
			ran = true
		}
	}
	if !ran {
		return StepNotReached, "not reached: " + stoppedAt(r)
	}
	return StepPassed, ""
}

func stoppedAt(r *runner.Result) string {
	if r.Status == runner.StatusInterrupted {
		if at := r.Transcript.Interrupted; at != "" {
			return "the run was interrupted during " + string(at)
		}
		return "the run was interrupted before this site was probed"
	}
	if f, ok := r.Transcript.Failed(); ok {
		return "the probe stopped at " + string(f.Stage)
	}
	if r.Verdict.Category == catalog.Config && r.Verdict.Stage == "" {
		return "not probed (step 1)"
	}
	return "the probe did not run these stages"
}

func stepMethod(r *runner.Result) (StepStatus, string) {
	s := r.Site
	ms := diagnosis.Misfits(s.Setup())
	where := s.Endpoint.Host
	if where == "" {
		where = "the MX of " + s.Endpoint.MXDomain
	}
	desc := fmt.Sprintf("%s to %s port %d (%s", s.Method, where, s.Endpoint.Port, s.Endpoint.TLS)
	if s.Auth != nil {
		desc += ", AUTH " + string(s.Auth.Mechanism)
	}
	desc += ")"
	if len(ms) > 0 {
		var fs []string
		for _, m := range ms {
			fs = append(fs, m.Finding)
		}
		return StepFailed, desc + ": " + strings.Join(fs, "; ")
	}
	return StepPassed, desc
}

func stepReach(r *runner.Result) (StepStatus, string) {
	st, f := byStages(r, transcript.StagesOfStep(2)...)
	if st == StepPassed {
		f = "resolved and connected"
		if a := stage(r, transcript.Connect).Addr; a != "" {
			f += " to " + a
		}
	}
	return st, f
}

func stepGreeting(r *runner.Result) (StepStatus, string) {
	v := r.Verdict
	if v.Category == catalog.Firewall && (v.Stage == transcript.Banner || v.Stage == transcript.EHLO) {
		return StepFailed, v.Line()
	}
	st, f := byStages(r, transcript.StagesOfStep(3)...)
	if st != StepPassed {
		return st, f
	}
	caps := r.Transcript.Capabilities
	var have, missing []string
	for _, kw := range []string{"STARTTLS", "SIZE", "PIPELINING"} {
		if caps.Has(kw) {
			have = append(have, kw)
		} else {
			missing = append(missing, kw)
		}
	}
	f = "banner and EHLO answered"
	if len(have) > 0 {
		f += "; advertised: " + strings.Join(have, ", ")
	}
	if len(missing) > 0 {
		f += "; not advertised: " + strings.Join(missing, ", ")
	}
	return st, f
}

func stepTLS(r *runner.Result) (StepStatus, string) {
	if r.Site.Endpoint.TLS == transcript.NoTLS {
		return StepNotApplicable, "the spec does not use TLS (tls = \"none\")"
	}
	st, f := byStages(r, transcript.StagesOfStep(4)...)
	if st == StepPassed {
		f = "TLS negotiated"
		if t := r.Transcript.TLS; t != nil && t.Version != "" {
			f += " (" + t.Version + ")"
		}
		f += "; this rules out most MTU problems"
	}
	return st, f
}

func stepEnvelope(r *runner.Result) (StepStatus, string) {
	st, f := byStages(r, transcript.StagesOfStep(5)...)
	if st == StepPassed {
		f = "MAIL FROM and RCPT TO accepted: " + stage(r, transcript.Rcpt).Evidence()
	}
	return st, f
}

func stepTrace(r *runner.Result) (StepStatus, string) {
	if !r.Site.Envelope.SendMessage {
		return StepNotApplicable, "no message was sent (envelope.send_message is off): nothing to trace"
	}
	// With a trace block, message trace itself answers the step.
	if tr := stage(r, transcript.Trace); tr.Status != transcript.Skip {
		st, f := byStages(r, transcript.StagesOfStep(6)...)
		if st == StepPassed && r.Transcript.Trace != nil {
			f = "found in message trace: " + traceStatuses(r.Transcript.Trace)
		}
		return st, f
	}
	st, f := byStages(r, transcript.Data)
	if st == StepPassed {
		f = "accepted for delivery; look it up in message trace"
		if tok := r.Transcript.Token; tok != "" {
			f += " by the run token " + tok + " (Subject and Message-ID)"
		}
	}
	return st, f
}

// traceStatuses lists each recipient's message trace status.
func traceStatuses(t *transcript.TraceInfo) string {
	var parts []string
	for _, rec := range t.Records {
		parts = append(parts, rec.Recipient+" "+rec.Status)
	}
	if len(parts) == 0 {
		return "no record"
	}
	return strings.Join(parts, ", ")
}

func stepReputation(r *runner.Result) (StepStatus, string) {
	if r.Site.Method == transcript.Submission {
		return StepNotApplicable, "submission is authenticated: the source IP's reputation does not decide it"
	}
	if r.Verdict.Category == catalog.Reputation {
		return StepFailed, r.Verdict.Line()
	}
	if stage(r, transcript.Rcpt).Status == transcript.Pass {
		return StepPassed, "no block at RCPT TO: Microsoft 365 accepted this IP for the envelope"
	}
	return StepNotReached, "RCPT TO was not accepted or not reached: " + stoppedAt(r)
}

func stepControl(r *runner.Result) (StepStatus, string) {
	c := r.Control
	if c == nil {
		if r.Site.Method != transcript.Submission && r.Verdict.Category != catalog.OK {
			return StepNotApplicable, "no control block: add control { auth { ... } } to compare with submission on 587"
		}
		return StepNotApplicable, "no control block"
	}
	if c.Verdict.Category == catalog.OK {
		return StepPassed, "submission on 587 works from this network: " + c.Verdict.Evidence
	}
	return StepFailed, "the control failed: " + c.Verdict.Line() + ": " + c.Verdict.Evidence
}

func stepAuth(r *runner.Result) (StepStatus, string) {
	if r.Site.Auth == nil {
		return StepNotApplicable, "the site does not authenticate"
	}
	st, f := byStages(r, transcript.StagesOfStep(9)...)
	if st == StepPassed {
		f = "authenticated as " + r.Site.Auth.Username + " with " + string(r.Site.Auth.Mechanism)
	}
	return st, f
}

func stepRecord(r *runner.Result) (StepStatus, string) {
	if r.Status == runner.StatusInterrupted {
		return StepNotReached, "the run was interrupted: this report holds the transcript up to then, no verdict and no golden; run the site again"
	}
	f := "this report holds the verdict, the exact evidence and the transcript"
	if r.GoldenPath != "" {
		f += "; golden: " + r.GoldenPath
	}
	return StepPassed, f
}

// checklist prints the checklist under a site (human format, --explain).
func (h Human) checklist(w io.Writer, r *runner.Result, indent string) {
	if !h.Explain {
		return
	}
	fmt.Fprintf(w, "%s%s\n", indent, h.paint(dim, "checklist:"))
	for _, s := range Checklist(r) {
		mark := map[StepStatus]string{StepPassed: h.paint(green, "passed"), StepFailed: h.paint(red+bold, "FAILED"),
			StepNotReached: h.paint(dim, "not reached"), StepNotApplicable: h.paint(dim, "n/a")}[s.Status]
		fmt.Fprintf(w, "%s  %2d. %s: %s", indent, s.Step, s.Title, mark)
		if s.Finding != "" {
			fmt.Fprintf(w, " - %s", s.Finding)
		}
		fmt.Fprintln(w)
	}
}
