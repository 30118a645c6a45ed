// Package explain diagnoses whatever a technician pastes about an SMTP
// failure: a conversation captured elsewhere (a swaks run, a plain S:/C:
// log, Postfix smtp log lines, .NET System.Net.Mail, nodemailer,
// PHPMailer or JavaMail debug output, curl -v, a telnet or openssl
// session), and, when no known format claims the text, any text that
// holds SMTP evidence: reply lines inside exceptions, JSON, bounces, DSNs
// and NDRs, socket and TLS errors (the generic reader, generic.go). It
// reconstructs the stages the capture shows, picks the root cause among
// several failures, runs the same diagnosis as `smtpspec run` (package
// checks), says whether the stage was seen or inferred and what the
// capture does not show, and redacts credentials from everything it
// returns. It never guesses: a text without SMTP evidence gets "not
// enough evidence" and what to capture. It does not touch the network.
package explain

import (
	"errors"
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

// Result is what a capture established.
type Result struct {
	Format     string // the parser that read it ("swaks", "postfix", ...)
	Verdict    diagnosis.Verdict
	Transcript *transcript.Transcript // the reconstructed stages and lines
	Input      diagnosis.Input        // what was inferred about the path
	// Implied lists stages the capture does not show but a later stage
	// proves passed (a RCPT TO reply implies connect, banner and EHLO).
	Implied []transcript.Stage
	// NotShown says what the capture cannot tell, in checklist order.
	NotShown []string
	// Basis says how the verdict's stage is known; Method how the method
	// is (diagnosis.Input.Plan.Method).
	Basis  StageBasis
	Method MethodBasis
	// SetAside lists the evidence that did not decide, and why.
	SetAside []SetAside
	// Capture says what to capture when the text has no SMTP evidence
	// (Verdict is then NoEvidence).
	Capture []string
}

// StageBasis is how the verdict's stage is known, and from which words.
type StageBasis struct {
	Basis Basis
	From  string
}

// MethodBasis is how the sending method is known.
type MethodBasis struct {
	Method transcript.Method
	Basis  Basis
	From   string
}

// ErrUnrecognised is returned for input without SMTP evidence: a Result
// comes with it that says so and what to capture.
var ErrUnrecognised = errors.New("no SMTP conversation recognised")

// ruleNoReply names the verdict on a capture with no SMTP reply in it.
const ruleNoReply = "explain:no-smtp-reply"

// NoEvidence is the category of a text without SMTP evidence; it is none
// of the diagnosis categories, on purpose.
const NoEvidence catalog.Category = "unknown"

// Transcript explains a captured conversation or any pasted text. The
// format is detected (the parser that recognises the most lines wins);
// the generic reader decides when no format claims the text, and when
// the format's failure is one the text shows a root cause for.
func Transcript(text string) (*Result, error) {
	lines := unpaste(splitLines(plainText(text))) // unpaste.go
	ev := readEvidence(lines)
	p, evs := detect(lines)
	var res *Result
	switch {
	case p != nil:
		res = formatResult(p.name, evs, ev)
		switch {
		case wantsGeneric(res, ev):
			res = ev.result()
		case errorBeside(res, ev) && (failureAfter(res, ev, lines) || tlsAfterStartTLS(res, ev)):
			// The session's own failure, logged after its last line in
			// words the format does not read (curl's "schannel: failed to
			// receive handshake" after STARTTLS's 220).
			r := ev.d.root
			stage := r.stage
			if (stage == transcript.Connect || stage == transcript.Resolve) && res.Transcript.Stage(transcript.Banner).Status == transcript.Pass {
				// A socket error after the greeting ("Winsock error 10060"
				// once EHLO was sent) is the next command's, not the
				// connection's, whatever words it uses.
				stage = ""
			}
			res = formatResult(p.name, append(evs, event{kind: evError, err: r.err, text: r.text, stage: stage}), ev)
		case errorBeside(res, ev):
			// A session that worked, pasted beside an error it does not
			// hold (a manual telnet test next to the application's
			// exception): the session is the control, the error the
			// verdict.
			control := res
			res = ev.result()
			res.SetAside = append(res.SetAside, SetAside{Line: control.Verdict.Evidence,
				Why: "a " + control.Format + " session pasted beside the error, which it does not show: it worked, so it is the control, not the verdict"})
		case cutShort(res, ev):
			res = statedFailure(res, ev) // truncated.go
		}
	case ev.found():
		res = ev.result()
	default:
		return notEnough(), fmt.Errorf("%w: no SMTP reply, error or session in the text (see smtpspec explain -h)", ErrUnrecognised)
	}
	portMisfit(res)                 // ports.go
	wrongProtocol(res)              // ports.go
	otherProtocolClient(res, lines) // ports.go
	clientGaveUp(res)               // gaveup.go
	skippedTLS(res, lines)          // gaveup.go
	awaitingAuth(res)               // gaveup.go
	awaitingData(res, lines)        // gaveup.go
	undecidedCut(res, lines)        // truncated.go
	implicitMisfit(res, ev)         // implicittls.go
	res.Method = methodOf(res)
	sanitise(res)
	if res.Verdict.Category == NoEvidence {
		res.Capture = whatToCapture()
		if res.Verdict.Rule == ruleNoReply {
			// Lines of a format, but no SMTP reply among them (an IMAP
			// log): no SMTP evidence, as for a text with none (exit 2).
			return res, fmt.Errorf("%w: the capture holds no SMTP reply (see smtpspec explain -h)", ErrUnrecognised)
		}
	}
	return res, nil
}

// formatResult diagnoses the events a known format's parser read. When
// the capture does not say where the client connected, the endpoint the
// rest of the text names (a configuration, the prose) stands in for it.
func formatResult(name string, evs []event, ev *evidence) *Result {
	if ev.host != "" || ev.port != 0 {
		evs = append([]event{{kind: evTarget, host: ev.host, port: ev.port}}, evs...)
	}
	b := build(evs)
	res := &Result{Format: name, Transcript: b.t, Input: b.input(), Implied: b.implied, SetAside: b.aside}
	// A capture that does not show the session's start (an error object,
	// a log from the middle) is partial: what it does not show (TLS, the
	// greeting) is unknown, not absent.
	res.Input.Partial = !b.has(transcript.Banner) && !b.has(transcript.EHLO) && !b.has(transcript.Connect)
	res.Verdict = verdict(b, res.Input)
	res.NotShown = notShown(b, res)
	res.Basis = b.basisOf(res.Verdict.Stage)
	return res
}

// Reply explains one reply line ("550 5.7.606 Access denied, ..."), or
// its text without the code as .NET and some logs show it, the way
// Transcript reads the same line: the stage is the one the line names,
// else the catalog's for that reply.
func Reply(line string) (*Result, error) {
	ev := readEvidence([]string{strings.TrimSpace(plainText(line))})
	if ev.d.root == nil && ev.d.last == nil || (ev.d.root != nil && ev.d.root.reply == nil) {
		return notEnough(), fmt.Errorf("%w: %q is not an SMTP reply (a code like 550, or an enhanced code like 5.7.606, then the text)", ErrUnrecognised, line)
	}
	res := ev.result()
	res.Format = "reply"
	res.Method = methodOf(res)
	sanitise(res)
	if res.Verdict.Category == NoEvidence {
		res.Capture = whatToCapture()
		if res.Verdict.Rule == ruleNoReply {
			// Lines of a format, but no SMTP reply among them (an IMAP
			// log): no SMTP evidence, as for a text with none (exit 2).
			return res, fmt.Errorf("%w: the capture holds no SMTP reply (see smtpspec explain -h)", ErrUnrecognised)
		}
	}
	return res, nil
}

// verdict diagnoses the reconstructed transcript. A capture that shows no
// failure gets an ok verdict that says how far it went, never the probe's
// "stopped without recording a failure".
func verdict(b *builder, in diagnosis.Input) diagnosis.Verdict {
	if f, failed := b.t.Failed(); failed {
		if f.Stage == transcript.Unstaged && f.Reply == nil && f.Err != nil {
			return unstagedError(f, in)
		}
		return diagnosis.Diagnose(b.t, in)
	}
	if v, ok := diagnosis.Intercepted(b.t, in); ok {
		return v // another server greeted: the session never reached Microsoft 365
	}
	last := b.lastStage()
	if last == "" {
		// Nothing an SMTP server said: an IMAP or POP3 log, the client's
		// side only. No session is no proof of a working one.
		return diagnosis.Verdict{Category: NoEvidence, Stage: transcript.Unstaged, Step: 10, Rule: ruleNoReply,
			Finding: "not enough evidence: the capture shows no SMTP reply (another protocol's log, or only the client's side)",
			Next:    "capture the SMTP session itself (the application's SMTP debug log, or swaks/openssl from the device's network) and explain that"}
	}
	// An ok verdict names the last step the capture shows passing: the
	// session is known to work up to there, and no further.
	v := diagnosis.Verdict{Category: catalog.OK, Stage: last, Rule: "explain:no-failure"}
	r := b.t.Stage(last)
	v.Finding = "no failure in what the capture shows: it ends after " + string(last) + " passed"
	if last == transcript.Unstaged {
		v.Finding = "no failure in what the capture shows (it names no step)"
	}
	if r.Reply != nil {
		v.Code, v.Enhanced = r.Reply.Code, r.Reply.Enhanced
		v.Evidence = r.Reply.Line()
	}
	v.Next = "capture the whole session through RCPT TO (and DATA) to see the server's decision on the envelope"
	if last == transcript.Data || last == transcript.Quit {
		// The server took the message: what the paste asks about
		// happened after the session (delivery, the recipient's side).
		v.Next = "the server accepted the message: if it did not arrive, look it up in the message trace (Microsoft 365: Exchange admin center, Mail flow, Message trace) and check the recipient's junk folder and quarantine"
	}
	return v
}

func splitLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// unstagedError is the verdict on an error the capture places at no stage
// (a .NET "The operation has timed out." without socket trace): the
// diagnosis by stage would claim a stage nobody saw, so only what holds at
// any stage is said. A misfit of the endpoint (port 465 on Microsoft 365)
// holds whatever the stage; otherwise the network is the likeliest side.
func unstagedError(f transcript.StageResult, in diagnosis.Input) diagnosis.Verdict {
	what := "the session failed (" + string(f.Err.Kind) + ") at a stage the capture does not show"
	v := diagnosis.Verdict{Category: catalog.Network, Stage: transcript.Unstaged, Step: 2, Rule: "explain:unstaged-error",
		Evidence: string(f.Err.Kind) + ": " + f.Err.Text,
		Finding:  what + ": the connection, the server's greeting or any later command may have failed",
		Next:     "capture the whole session (System.Net tracing, SMTPDebug 2, swaks) or run smtpspec on the same path to see the stage; check that this network allows outbound TCP",
		Source:   "the field troubleshooting checklist (smtpspec DESIGN.md): DNS and TCP, banner and EHLO, STARTTLS, envelope, control, record before changing"}
	if in.Port > 0 {
		v.Next += " " + itoa(in.Port)
	}
	if in.Host != "" {
		v.Next += " to " + in.Host
	}
	// Only misfits of the endpoint itself: the method and auth are
	// inferred, and a capture without protocol lines shows neither.
	for _, m := range diagnosis.Misfits(in.Setup()) {
		if m.ID == "port-465" || m.ID == "ip-address" {
			v.Category, v.Step, v.Rule, v.Source = catalog.Config, 1, "explain:unstaged-error+config:"+m.ID, m.Source
			v.Finding = what + ": " + m.Finding
			v.Next = m.Next
			break
		}
	}
	v.Learn = diagnosis.LearnFor(v)
	return v
}
