package explain

import (
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/transcript"
)

func (b *builder) addLine(dir transcript.Direction, stage transcript.Stage, text string) {
	if dir == transcript.Client && credentialLine(stage, text) {
		text = transcript.Redacted // credentials never leave this package
	}
	if dir == transcript.Client && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(text)), "AUTH ") {
		if f := strings.Fields(text); len(f) > 2 {
			text = f[0] + " " + f[1] + " " + transcript.Redacted
		}
	}
	if len(text) > maxLineText {
		text = text[:maxLineText] + " ..."
	}
	b.t.Lines = append(b.t.Lines, transcript.Line{Dir: dir, Stage: stage, Text: text})
}

// Bounds of the reconstructed transcript: a capture of thousands of
// sessions keeps its first and last lines (the verdict is read from the
// stages, not from the lines), each at most maxLineText bytes.
const (
	maxLines    = 2000
	maxLineText = 4 << 10
)

// keepLineEnds keeps the first and last maxLines/2 lines, with a line
// between that says how many were left out.
func keepLineEnds(ls []transcript.Line) []transcript.Line {
	if len(ls) <= maxLines {
		return ls
	}
	out := append([]transcript.Line(nil), ls[:maxLines/2]...)
	out = append(out, transcript.Line{Dir: transcript.Server, Stage: ls[maxLines/2].Stage,
		Text: "(" + itoa(len(ls)-maxLines) + " more lines of the capture not shown)"})
	return append(out, ls[len(ls)-maxLines/2:]...)
}

// finish orders the stages as a probe would run them, adds the ones a
// later stage implies, and returns the transcript.
func (b *builder) finish() *transcript.Transcript {
	b.flush()
	plan := b.plan()
	seq := transcript.Sequence(plan)
	last := -1
	for i, name := range seq {
		if _, ok := b.results[name]; ok && name != transcript.Quit {
			last = i
		}
	}
	var stages []transcript.StageResult
	for i, name := range seq {
		r, ok := b.results[name]
		switch {
		case ok:
			stages = append(stages, *r)
		case i < last && implies(name, b):
			b.implied = append(b.implied, name)
			stages = append(stages, transcript.StageResult{Stage: name, Status: transcript.Pass, Note: "implied by a later stage"})
		default:
			stages = append(stages, transcript.StageResult{Stage: name, Status: transcript.Skip})
		}
	}
	for _, name := range b.order {
		if !slices.Contains(seq, name) && name != transcript.Noop {
			stages = append(stages, *b.results[name]) // a reply the capture does not place
		}
	}
	b.t.Stages = stages
	b.t.Lines = keepLineEnds(b.t.Lines)
	b.t.Method = plan.Method
	if b.host != "" {
		b.t.Target = b.host
		if b.port != 0 {
			b.t.Target = b.host + ":" + itoa(b.port)
		}
	}
	return b.t
}

// implies: stages every session passes before a later one can run. TLS
// and AUTH are implied only when the capture shows them in some form.
func implies(stage transcript.Stage, b *builder) bool {
	switch stage {
	case transcript.Resolve:
		return b.host != "" && !isIP(b.host)
	case transcript.Connect, transcript.Banner, transcript.EHLO, transcript.Mail:
		return true
	case transcript.STARTTLS, transcript.TLS, transcript.EHLOTLS:
		return b.saw[transcript.TLS] || b.saw[transcript.STARTTLS]
	}
	return false
}

// plan is the probe plan the capture fits.
func (b *builder) plan() transcript.Plan {
	p := transcript.Plan{Method: b.method(), TLS: transcript.StartTLS, Auth: b.saw[transcript.Auth] || b.has(transcript.Auth), Data: b.saw[transcript.Data] || b.has(transcript.Data),
		HELO: b.helo && !b.saw[transcript.STARTTLS] && !b.saw[transcript.TLS] && !b.saw[transcript.Auth]} // a HELO device that tried neither
	if b.port == 465 || b.implicitTLS() {
		p.TLS = transcript.Implicit
	}
	return p
}

func (b *builder) has(stage transcript.Stage) bool { _, ok := b.results[stage]; return ok }

// method infers how the device sends from the endpoint and what it did.
func (b *builder) method() transcript.Method {
	h := strings.ToLower(b.host)
	switch {
	case catalog.MicrosoftMX(h):
		return transcript.DirectSend
	case strings.Contains(h, "office365.com"), b.port == 587, b.saw[transcript.Auth], b.has(transcript.Auth):
		return transcript.Submission
	case b.port == 25:
		return transcript.DirectSend
	}
	return transcript.Submission
}

// input is what the diagnosis needs besides the transcript.
func (b *builder) input() diagnosis.Input {
	port := b.port
	if port == 0 && b.method() != transcript.Submission {
		port = 25
	}
	return diagnosis.Input{Plan: b.plan(), Host: b.host, Port: port}
}

// implicitTLS: the handshake failed before the server said anything, so
// the client spoke TLS first (implicit TLS, port 465 style).
func (b *builder) implicitTLS() bool {
	r, ok := b.results[transcript.TLS]
	return ok && r.Status == transcript.Fail && !b.has(transcript.Banner) && !b.saw[transcript.STARTTLS]
}

// lastStage is the last stage the capture shows (not implied), QUIT
// aside: it says nothing about delivery.
func (b *builder) lastStage() transcript.Stage {
	var last transcript.Stage
	for _, s := range b.t.Stages {
		if _, ok := b.results[s.Stage]; ok && s.Status != transcript.Skip && s.Stage != transcript.Quit {
			last = s.Stage
		}
	}
	return last
}
