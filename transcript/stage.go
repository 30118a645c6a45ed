package transcript

import (
	"slices"
	"strings"
)

// Stage names one step of a probe: the public vocabulary of `expect
// "STAGE"`, goldens ("= rcpt fail 550 5.7.606") and reports. Every stage
// and pseudo-stage is a constant below with one row in the facts table;
// no other file spells one (ci/vocab checks it), so a misspelled stage is
// a compile error.
type Stage string

// The stages, in protocol order.
const (
	Resolve  Stage = "resolve"  // the endpoint's name, or the MX of mx_domain
	Connect  Stage = "connect"  // TCP
	Banner   Stage = "banner"   // the server's greeting
	EHLO     Stage = "ehlo"     // EHLO (or HELO) before TLS
	STARTTLS Stage = "starttls" // the STARTTLS command
	TLS      Stage = "tls"      // the TLS handshake
	EHLOTLS  Stage = "ehlo_tls" // EHLO inside TLS
	Auth     Stage = "auth"     // SMTP AUTH
	Mail     Stage = "mail"     // MAIL FROM
	Rcpt     Stage = "rcpt"     // RCPT TO, every recipient
	Data     Stage = "data"     // DATA up to the end-of-data reply (only with send_message)
	Quit     Stage = "quit"     // RSET and QUIT
	// Trace is the Microsoft 365 message trace lookup of the sent message
	// (checklist step 6), after the session.
	Trace Stage = "trace"
)

// Pseudo-stages: names a Stage can hold that no probe runs, so no spec
// can expect them (ParseStage refuses them).
const (
	// Unstaged is the stage of a reply or error whose command a capture
	// does not show (smtpspec explain of a bare reply or an exception): it
	// is read by its enhanced code's subject alone.
	Unstaged Stage = "unknown"
	// Noop is a NOOP a capture shows: it answers nothing the diagnosis reads.
	Noop Stage = "noop"
	// Header and Trailer are a golden's lines before its first stage (the
	// "# " lines) and after its last result line; Whitespace is a drift
	// of line endings alone (package golden).
	Header     Stage = "header"
	Trailer    Stage = "trailer"
	Whitespace Stage = "whitespace"
)

// Deadline says which of a site's timeouts bounds a stage.
type Deadline int

const (
	// CommandDeadline is timeouts.command: one command and its reply.
	CommandDeadline Deadline = iota
	// ConnectDeadline is timeouts.connect: DNS, TCP, the TLS handshake.
	ConnectDeadline
)

// Facts are what every package knows about a stage, from one row of the
// table below: a new stage is a constant and a row here, a place in
// Sequence (plan.go), the probe's function and a check (docs/architecture.md).
type Facts struct {
	Stage Stage
	// Pseudo: not a step of a probe (see the pseudo-stage constants).
	Pseudo bool
	// Command names what the server answered at the stage, as findings
	// word it: "the server refused RCPT TO temporarily", "the TLS
	// handshake got no reply in time". "" for the stage's own name.
	Command string
	// Sent names what the client sent to open the stage, as "MAIL FROM was
	// accepted when sent again" words it; "" for the name in capitals.
	Sent string
	// Verbs are the SMTP commands that open the stage ("RCPT TO:<a>" opens
	// rcpt); EHLO inside TLS opens ehlo_tls, which has none of its own.
	Verbs []string
	// Replies are the codes with which the stage's last command passes on
	// a working path; nil for a stage without an SMTP reply (DNS, TCP, the
	// handshake, message trace), where only an error kind can be expected.
	Replies []int
	// Deadline is the timeout each run of the stage gets.
	Deadline Deadline
	// Fatal: after the stage fails no connection is left to say QUIT on.
	Fatal bool
	// Opening: the client has sent no command yet (the name, TCP, the
	// greeting): what a server or a middlebox does later cannot cause a
	// failure here, and a failure here is judged by no SMTP command.
	Opening bool
	// Capabilities: the stage's reply lists the EHLO extensions.
	Capabilities bool
	// Step is the checklist step (DESIGN.md) the stage belongs to, 0 for
	// none (QUIT).
	Step int
}

// facts is the table: the stages in protocol order, then the pseudo-stages.
var facts = []Facts{
	{Stage: Resolve, Deadline: ConnectDeadline, Fatal: true, Opening: true, Step: 2},
	{Stage: Connect, Deadline: ConnectDeadline, Fatal: true, Opening: true, Step: 2},
	{Stage: Banner, Command: "the banner", Sent: "the connection", Replies: []int{220}, Opening: true, Step: 3},
	{Stage: EHLO, Command: "EHLO", Sent: "EHLO", Verbs: []string{"EHLO", "HELO"}, Replies: []int{250}, Capabilities: true, Step: 3},
	{Stage: STARTTLS, Command: "STARTTLS", Verbs: []string{"STARTTLS"}, Replies: []int{220}, Step: 4},
	{Stage: TLS, Command: "the TLS handshake", Deadline: ConnectDeadline, Fatal: true, Step: 4},
	{Stage: EHLOTLS, Command: "EHLO after TLS", Sent: "EHLO", Replies: []int{250}, Capabilities: true, Step: 4},
	{Stage: Auth, Command: "AUTH", Verbs: []string{"AUTH"}, Replies: []int{235}, Step: 9},
	{Stage: Mail, Command: "MAIL FROM", Sent: "MAIL FROM", Verbs: []string{"MAIL"}, Replies: []int{250}, Step: 5},
	// 251: the server will forward (RFC 5321 section 3.4).
	{Stage: Rcpt, Command: "RCPT TO", Sent: "RCPT TO", Verbs: []string{"RCPT"}, Replies: []int{250, 251}, Step: 5},
	{Stage: Data, Command: "DATA", Verbs: []string{"DATA", "BDAT"}, Replies: []int{250}, Step: 6},
	{Stage: Quit, Command: "QUIT", Verbs: []string{"RSET", "QUIT"}, Replies: []int{221}},
	{Stage: Trace, Step: 6},

	{Stage: Unstaged, Pseudo: true, Command: "a command"},
	{Stage: Noop, Pseudo: true, Verbs: []string{"NOOP"}},
	{Stage: Header, Pseudo: true},
	{Stage: Trailer, Pseudo: true},
	{Stage: Whitespace, Pseudo: true},
}

// Facts returns the stage's row; a name outside the table gets a row
// with only its name (a golden written by a later version, say).
func (s Stage) Facts() Facts {
	for _, f := range facts {
		if f.Stage == s {
			return f
		}
	}
	return Facts{Stage: s}
}

// probeStages are the table's stages without the pseudo-stages, made
// once: the loader checks every expect block against them.
var probeStages = func() []Stage {
	var out []Stage
	for _, f := range facts {
		if !f.Pseudo {
			out = append(out, f.Stage)
		}
	}
	return out
}()

// Stages lists the probe stages in protocol order, for messages and "did
// you mean" suggestions; the caller may change its copy.
func Stages() []Stage { return slices.Clone(probeStages) }

// ParseStage reads a stage name as a spec writes it; pseudo-stages and
// unknown names are not stages.
func ParseStage(name string) (Stage, bool) {
	s := Stage(name)
	return s, slices.Contains(probeStages, s)
}

// StageOfVerb is the stage an SMTP command verb opens ("RCPT" opens rcpt,
// "NOOP" the pseudo-stage noop); false for a verb no stage sends.
func StageOfVerb(verb string) (Stage, bool) {
	for _, f := range facts {
		if slices.Contains(f.Verbs, verb) {
			return f.Stage, true
		}
	}
	return "", false
}

// StagesOfStep lists the stages of a checklist step, in protocol order.
func StagesOfStep(step int) []Stage {
	var out []Stage
	for _, f := range facts {
		if f.Step == step && !f.Pseudo {
			out = append(out, f.Stage)
		}
	}
	return out
}

// CommandWords names what the server answered at the stage, for findings
// ("RCPT TO", "the TLS handshake"), or the stage's own name.
func (s Stage) CommandWords() string {
	if c := s.Facts().Command; c != "" {
		return c
	}
	return string(s)
}

// HasReply reports a stage whose outcome is an SMTP reply.
func (s Stage) HasReply() bool { return len(s.Facts().Replies) > 0 }

// Passes reports whether code passes the stage's last command.
func (s Stage) Passes(code int) bool { return slices.Contains(s.Facts().Replies, code) }

// JoinStages joins stage names with sep, for messages ("ehlo, starttls").
func JoinStages(stages []Stage, sep string) string {
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = string(s)
	}
	return strings.Join(names, sep)
}

// Plan describes what a site's probe will do; Sequence derives the stages.
type Plan struct {
	Method Method
	TLS    TLSMode
	Auth   bool // the spec has an auth block
	Data   bool // envelope.send_message
	Trace  bool // the spec has a trace block: look the message up in message trace
	// HELO: the device greets with HELO (client.greeting), so the server
	// lists no extensions and the device never sends STARTTLS or AUTH.
	HELO bool
}

// Sequence returns the stages a probe of this plan runs, in order.
func Sequence(p Plan) []Stage {
	seq := []Stage{Resolve, Connect}
	switch p.TLS {
	case Implicit:
		seq = append(seq, TLS, Banner, EHLO)
	case NoTLS:
		seq = append(seq, Banner, EHLO)
	default:
		seq = append(seq, Banner, EHLO)
		if !p.HELO { // STARTTLS is an extension, and HELO lists none
			seq = append(seq, STARTTLS, TLS, EHLOTLS)
		}
	}
	if p.Auth && !p.HELO {
		seq = append(seq, Auth)
	}
	seq = append(seq, Mail, Rcpt)
	if p.Data {
		seq = append(seq, Data)
	}
	seq = append(seq, Quit)
	if p.Data && p.Trace {
		seq = append(seq, Trace) // after the session: trace needs nothing of the connection
	}
	return seq
}

// Reaches reports whether a probe of plan p can reach stage.
func Reaches(p Plan, stage Stage) bool { return slices.Contains(Sequence(p), stage) }
