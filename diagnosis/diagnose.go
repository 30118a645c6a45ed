// Package diagnosis turns a transcript into one verdict, the way an
// expert follows the troubleshooting checklist (DESIGN.md): the failing
// reply read by the Microsoft 365 reply catalog (package catalog) or by
// rules of stage, class and error reason, firewall signs that win over
// the failures they cause, cross-stage notes, the control probe, and the
// findings about a site's credentials, endpoint and reachability that
// every report shows. A verdict keeps finding, notes and evidence apart
// (verdict.go). It does not judge expectations (package checks), probe,
// or read an error's text: the failure reasons are data
// (transcript.Reason).
package diagnosis

import (
	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// Input is what the diagnosis needs to know about a site besides its
// transcript.
type Input struct {
	Plan     transcript.Plan
	Host     string // endpoint host as the spec names it ("" with mx_domain)
	MXDomain string
	Port     int
	// TLSMin and TLSMax are the device's TLS versions (crypto/tls
	// constants, as specs.Client holds them), 0 when the spec names none.
	// They only word a TLS version failure ("the device offers TLS 1.0 to
	// TLS 1.1").
	TLSMin, TLSMax uint16
	// Creds is what the site authenticates with (oauth.go).
	Creds Credentials
	// Partial: the transcript shows only part of the session (smtpspec
	// explain of an error message or a bounce). A stage it does not show
	// is unknown, not absent: rules that read the absence of TLS or of a
	// greeting as a fact do not apply.
	Partial bool
}

// Diagnose returns one verdict for the site: what happened, where, the
// exact evidence, the checklist step and what to do next. It says what
// happened whether or not the spec expected it; expectations decide the
// status, not the verdict.
//
// The failing stage's reply is explained by the reply catalog, or by its
// stage and class; a failure without a reply by stage and error kind. A
// firewall sign seen earlier in the plaintext session (masked banner,
// masked or missing STARTTLS) wins over the failure it causes, but not
// over the server's own verdict on the envelope (reputation, policy,
// recipient), which it only notes. Cross-stage notes go into the summary.
func Diagnose(t *transcript.Transcript, in Input) (out Verdict) {
	defer func() { out.Learn = LearnFor(out) }()          // learn.go
	defer func() { out = withFindings(out, t, in) }()     // oauth.go
	defer func() { out = withReachability(out, t, in) }() // reachability.go
	defer func() { out = withTrace(out, t) }()            // trace.go
	if t == nil {
		t = &transcript.Transcript{}
	}
	sc := newScene(t, in)
	f, failed := t.Failed()
	if !failed {
		if v, ok := incomplete(sc); ok {
			return v
		}
		return success(sc)
	}
	if f.Stage == transcript.Trace {
		return traceVerdict(sc, f) // trace.go: after the session, nothing earlier failed
	}
	var v Verdict
	if f.Reply != nil {
		v = diagnoseReply(sc, f)
	} else {
		v = diagnoseNoReply(sc, f)
	}
	if iv, ok := interception(sc); ok {
		// Another server greeted on a Microsoft 365 endpoint: whatever it
		// refused (a relay, credentials) or lacked (STARTTLS) is not
		// Microsoft 365's doing, even after TLS (a redirected session
		// completes TLS with the other server, whose certificate a client
		// that does not verify accepts).
		return withNotes(iv, []string{"then " + string(v.Stage) + " failed: " + v.Text()})
	}
	ns := notes(sc, f, v)
	if fw, ok := firewallSign(sc, f); ok {
		if !serverDecision(v.Category) {
			return fw
		}
		ns = append(ns, "a firewall also inspects this session (see "+string(fw.Stage)+")")
	}
	return withNotes(v, ns)
}

// serverDecision reports a category that is the server's own judgement
// of the sender, recipient or tenant policy: a firewall sign earlier in
// the session does not explain it, so the sign does not win over it.
func serverDecision(c catalog.Category) bool {
	return c == catalog.Reputation || c == catalog.Policy || c == catalog.Recipient
}

// scene is the transcript and input with the facts every rule asks about
// computed once.
type scene struct {
	t  *transcript.Transcript
	in Input
	// microsoft: the endpoint is Microsoft 365 by name, or its banner says
	// so. Microsoft always offers STARTTLS before TLS (FACTS.md 2.1, 2.2).
	microsoft bool
	tlsDone   bool // the tls stage passed
}

func newScene(t *transcript.Transcript, in Input) *scene {
	sc := &scene{t: t, in: in, tlsDone: t.Stage(transcript.TLS).Status == transcript.Pass}
	sc.microsoft = catalog.MicrosoftHost(in.Host) || catalog.MicrosoftBanner(t)
	return sc
}

// finding is a diagnosis before it is tied to a stage and its evidence.
// Texts may hold placeholders (see expand).
type finding struct {
	cat  catalog.Category
	step int
	text string // the one-line finding
	next string // the action
}

// verdict ties fd to the stage, the deciding reply (nil without one) and
// the exact evidence line.
func (sc *scene) verdict(fd finding, f transcript.StageResult, rep *transcript.Reply, ev string) Verdict {
	v := Verdict{
		Category: fd.cat,
		Stage:    f.Stage,
		Finding:  sc.expand(fd.text, f),
		Step:     fd.step,
		Next:     sc.expand(fd.next, f),
		Evidence: ev,
	}
	if rep != nil {
		v.Code, v.Enhanced = rep.Code, rep.Enhanced
	}
	return v
}

// withNotes adds cross-stage notes after the finding (Verdict.Text).
func withNotes(v Verdict, notes []string) Verdict {
	if len(notes) == 0 {
		return v
	}
	v.Notes = append(v.Notes, notes...)
	return v
}

// refind puts a finding in place of v's own, with the notes that were
// about it.
func refind(v Verdict, finding string) Verdict {
	v.Finding, v.Notes = finding, nil
	return v
}

// notes returns the cross-stage facts that hold for failure f, whose
// verdict (before notes) is v. Each is a rule of crossRules (rules.go).
func notes(sc *scene, f transcript.StageResult, v Verdict) []string {
	var out []string
	for _, r := range crossRules {
		if n := r.note(sc, f, v); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// evidenceOf is the exact line that decided f: its reply line or error,
// else the probe's note, else the certificate's verification error.
func (sc *scene) evidenceOf(f transcript.StageResult) string {
	if ev := f.EvidenceOrNote(); ev != "" {
		return ev
	}
	if f.Stage == transcript.TLS && sc.t.TLS != nil {
		return sc.t.TLS.VerifyError
	}
	return ""
}
