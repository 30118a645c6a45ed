// Package explain diagnoses an SMTP conversation captured elsewhere: a
// swaks run, a plain S:/C: log, Postfix smtp log lines, .NET
// System.Net.Mail, nodemailer or PHPMailer debug output, or a telnet
// session pasted as is. It reconstructs the stages the capture shows,
// runs the same diagnosis as `smtpspec run` (package checks), and says
// what the capture does not show. It never guesses: input that no parser
// recognises is an error, not a verdict. It does not touch the network.
package explain

import (
	"errors"
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/transcript"
)

// Result is what a capture established.
type Result struct {
	Format     string // the parser that read it ("swaks", "postfix", ...)
	Verdict    checks.Verdict
	Transcript *transcript.Transcript // the reconstructed stages and lines
	Input      checks.Input           // what was inferred about the path
	// Implied lists stages the capture does not show but a later stage
	// proves passed (a RCPT TO reply implies connect, banner and EHLO).
	Implied []string
	// NotShown says what the capture cannot tell, in checklist order.
	NotShown []string
}

// ErrUnrecognised is returned for input that no parser recognises.
var ErrUnrecognised = errors.New("no SMTP conversation recognised")

// Transcript explains a captured conversation. The format is detected:
// the parser that recognises the most lines wins.
func Transcript(text string) (*Result, error) {
	lines := splitLines(text)
	p, evs := detect(lines)
	if p == nil {
		return nil, fmt.Errorf("%w: expected one of %s (see smtpspec explain -h)", ErrUnrecognised, strings.Join(formatNames(), ", "))
	}
	b := build(evs)
	res := &Result{Format: p.name, Transcript: b.t, Input: b.input(), Implied: b.implied}
	res.Verdict = verdict(b, res.Input)
	res.NotShown = notShown(b, res)
	return res, nil
}

// Reply explains one reply line ("550 5.7.606 Access denied, ..."), or
// its text without the code as .NET and some logs show it. The stage is
// the catalog's for that reply when the line does not say.
func Reply(line string) (*Result, error) {
	rep, ok := parseReplyLine(strings.TrimSpace(line))
	if !ok {
		return nil, fmt.Errorf("%w: %q is not an SMTP reply (a code like 550, or an enhanced code like 5.7.606, then the text)", ErrUnrecognised, line)
	}
	b := newBuilder()
	b.reply(rep, "")
	res := &Result{Format: "reply", Transcript: b.finish(), Input: b.input()}
	res.Verdict = verdict(b, res.Input)
	return res, nil
}

// verdict diagnoses the reconstructed transcript. A capture that shows no
// failure gets an ok verdict that says how far it went, never the probe's
// "stopped without recording a failure".
func verdict(b *builder, in checks.Input) checks.Verdict {
	if f, failed := b.t.Failed(); failed {
		if f.Stage == checks.Unstaged && f.Reply == nil && f.Err != nil {
			return unstagedError(f, in)
		}
		return checks.Diagnose(b.t, in)
	}
	last := b.lastStage()
	v := checks.Verdict{Category: checks.OK, Rule: "explain:no-failure"}
	if last == "" {
		v.Summary = "the capture shows no failure and no SMTP reply"
		return v
	}
	r := b.t.Stage(last)
	v.Summary = "no failure in what the capture shows: it ends after " + last + " passed"
	if r.Reply != nil {
		v.Code, v.Enhanced = r.Reply.Code, r.Reply.Enhanced
		v.Evidence = r.Reply.Line()
		v.Summary += ": " + fmt.Sprintf("%q", v.Evidence)
	}
	v.Next = "capture the whole session through RCPT TO (and DATA) to see the server's decision on the envelope"
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
func unstagedError(f transcript.StageResult, in checks.Input) checks.Verdict {
	what := "the session failed (" + string(f.Err.Kind) + ") at a stage the capture does not show"
	v := checks.Verdict{Category: checks.Network, Stage: checks.Unstaged, Step: 2, Rule: "explain:unstaged-error",
		Evidence: string(f.Err.Kind) + ": " + f.Err.Text,
		Summary:  what + ": the connection, the server's greeting or any later command may have failed",
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
	s := checks.Setup{Method: in.Plan.Method, Host: in.Host, Port: in.Port, TLS: in.Plan.TLS}
	for _, m := range checks.Misfits(s) {
		if m.ID == "port-465" || m.ID == "ip-address" {
			v.Category, v.Step, v.Rule, v.Source = checks.Config, 1, "explain:unstaged-error+config:"+m.ID, m.Source
			v.Summary = what + ": " + m.Finding
			v.Next = m.Next
			break
		}
	}
	v.Summary += ": " + fmt.Sprintf("%q", v.Evidence)
	return v
}
