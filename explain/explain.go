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
	if _, failed := b.t.Failed(); failed {
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
