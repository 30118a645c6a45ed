package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/transcript"
)

// builder turns events into a transcript: client commands open stages,
// replies close them in order (pipelining keeps a queue), a TLS event
// moves the session inside TLS.
type builder struct {
	t       *transcript.Transcript
	results map[string]*transcript.StageResult
	order   []string // stages in the order they were first seen
	pending []string // stages whose command awaits a reply, oldest first
	partial []string // lines of a multi-line reply being read
	cur     string   // the stage of the last reply or command
	tls     bool
	inBody  bool // between 354 and the lone "."
	// tlsNext: STARTTLS was accepted; most clients do not log the
	// handshake, so their next command shows it completed.
	tlsNext bool
	helo    bool
	host    string
	port    int
	saw     map[string]bool // commands and events seen: "auth", "starttls", "data"
	implied []string
	// basis says how each stage was placed: seen (its command is shown or
	// the format names it), inferred (the catalog's stage, the command
	// before it), unknown.
	basis map[string]StageBasis
	// aside: refusals the session recovered from.
	aside []SetAside
}

func newBuilder() *builder {
	return &builder{t: &transcript.Transcript{Site: "explain"}, results: map[string]*transcript.StageResult{}, saw: map[string]bool{},
		basis: map[string]StageBasis{}}
}

// placed records how stage was placed, keeping the first (strongest) word.
func (b *builder) placed(stage string, basis Basis, from string) {
	if _, ok := b.basis[stage]; !ok {
		b.basis[stage] = StageBasis{Basis: basis, From: from}
	}
}

// basisOf is how the verdict's stage is known.
func (b *builder) basisOf(stage string) StageBasis {
	if stage == "" || stage == checks.Unstaged {
		return StageBasis{Basis: Unknown}
	}
	if bs, ok := b.basis[stage]; ok {
		return bs
	}
	return StageBasis{Basis: Seen, From: "the capture shows the " + stage + " stage"}
}

// build runs every event and returns the finished builder.
func build(evs []event) *builder {
	markCredentials(evs)
	b := newBuilder()
	for _, e := range evs {
		b.event(e)
	}
	b.finish()
	return b
}

func (b *builder) event(e event) {
	switch e.kind {
	case evTarget:
		if e.host != "" && b.host == "" {
			b.host = e.host
		}
		if e.port != 0 && b.port == 0 {
			b.port = e.port
		}
	case evConnected:
		b.set("connect", transcript.Pass, nil, nil)
	case evTLS:
		b.flush()
		b.tlsNext = false
		b.tls = true
		b.saw["tls"] = true
		b.set("tls", transcript.Pass, nil, nil)
		if e.text != "" {
			b.t.TLS = &transcript.TLSInfo{Version: e.text, Verified: true}
		}
		b.cur = "tls"
	case evClient:
		b.client(e.text, e.secret)
	case evServer:
		b.server(e.text)
	case evReply:
		b.flush()
		b.reply(e.reply, e.stage)
	case evError:
		b.flush()
		b.failure(e)
	}
}

// client records one client line and opens its stage.
func (b *builder) client(line string, secret bool) {
	b.flush()
	if b.tlsNext && !b.tls {
		b.event(event{kind: evTLS})
	}
	b.tlsNext = false
	if b.inBody {
		if strings.TrimSpace(line) == "." {
			b.inBody = false
			b.pending = append(b.pending, "data")
			b.addLine(transcript.Client, "data", ".")
		}
		return // message body lines are not protocol
	}
	st := stageOfCommand(line, b.tls)
	if st == "noop" {
		b.addLine(transcript.Client, b.cur, line)
		b.pending = append(b.pending, "noop")
		return
	}
	if st == "" {
		switch {
		case secret:
			st = checks.Auth // an answer to a 334 prompt, the AUTH command cut off
			b.placed(st, Seen, "the AUTH prompt (334) next to it")
		case b.cur == checks.Data && len(b.pending) > 0 && b.pending[len(b.pending)-1] == checks.Data:
			return // more of the message the capture started in (a blank line, the final ".")
		case b.cur != "":
			// A credential or a continuation: it belongs to the stage
			// that asked for it (AUTH LOGIN's 334 prompts).
			st = b.cur
		case messageContent(line):
			// The capture starts inside the message (a MIME boundary, a
			// header): the reply that follows answers the data.
			if b.cur != checks.Data {
				b.placed(checks.Data, Inferred, "the message content before it")
				b.pending = append(b.pending, checks.Data)
				b.cur = checks.Data
				b.saw[checks.Data] = true
			}
			return
		default:
			// Nothing says which stage this line belongs to: it opens
			// none, and the reply after it is placed by its own words.
			b.addLine(transcript.Client, checks.Unstaged, line)
			return
		}
	}
	if st == "ehlo" || st == "ehlo_tls" {
		verb, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		b.helo = strings.EqualFold(verb, "HELO")
	}
	b.saw[st] = true
	b.addLine(transcript.Client, st, line)
	b.pending = append(b.pending, st)
	b.cur = st
}

// server reads one server line; the last line of a reply closes a stage.
func (b *builder) server(line string) {
	if parts := unglue(line); len(parts) > 1 {
		for _, p := range parts {
			b.server(p)
		}
		return
	}
	m := replyLineRE.FindStringSubmatch(line)
	if m == nil {
		if len(b.partial) > 0 { // a continuation without code (wrapped text)
			b.partial[len(b.partial)-1] += " " + strings.TrimSpace(line)
		}
		return
	}
	b.partial = append(b.partial, line)
	if m[2] == "-" {
		return
	}
	b.flush()
}

// flush completes a reply whose lines were read (a reply cut short by the
// end of the capture still counts).
func (b *builder) flush() {
	if len(b.partial) == 0 {
		return
	}
	lines := b.partial
	b.partial = nil
	code := 0
	var texts []string
	for _, l := range lines {
		m := replyLineRE.FindStringSubmatch(l)
		code = atoi(m[1])
		texts = append(texts, strings.TrimSpace(m[3]))
	}
	rep := &transcript.Reply{Code: code, Enhanced: transcript.ParseEnhanced(texts[0]), Lines: texts}
	if b.lateGreeting(rep) {
		for _, l := range lines {
			b.addLine(transcript.Server, checks.Banner, l)
		}
		return
	}
	stage := b.nextStage(rep)
	for _, l := range lines {
		b.addLine(transcript.Server, stage, l)
	}
	b.judge(stage, rep)
}

// nextStage is the stage reply rep answers: the oldest command waiting;
// else a 220 before anything is the banner; else the catalog's stage for
// the reply, the current stage, or no stage at all. A reply the capture
// shows no command for is never put at the banner by default.
func (b *builder) nextStage(rep *transcript.Reply) string {
	if len(b.pending) > 0 {
		st := b.pending[0]
		b.pending = b.pending[1:]
		b.placed(st, Seen, "the capture shows the command")
		return st
	}
	if _, ok := b.results["banner"]; !ok && !b.tls && rep.Code == 220 {
		b.placed(checks.Banner, Seen, "the server's greeting")
		return checks.Banner
	}
	if st := b.shapeStage(rep); st != "" {
		b.placed(st, Inferred, "the shape of the reply (a capture of the server's lines only)")
		return st
	}
	if st := catalogStage(rep); st != "" {
		b.placed(st, Inferred, "the reply catalog's stage for "+codesOf(rep.Code, rep.Enhanced))
		return st
	}
	if b.cur == checks.Banner && rep.Class() < 4 {
		return checks.Unstaged // a banner has one reply: this one answers a command not shown
	}
	if b.cur != "" {
		b.placed(b.cur, Inferred, "the command before it")
		return b.cur
	}
	return checks.Unstaged
}

// reply records a whole reply at stage ("" when the capture does not say:
// the catalog's stage for it, else the current stage).
func (b *builder) reply(rep *transcript.Reply, stage string) {
	if stage != "" {
		b.placed(stage, Seen, "the capture names the command")
	}
	if stage == "" {
		stage = catalogStage(rep)
		if stage != "" {
			b.placed(stage, Inferred, "the reply catalog's stage for "+codesOf(rep.Code, rep.Enhanced))
		}
	}
	if stage == "" && b.cur != "" {
		stage = b.cur
		b.placed(stage, Inferred, "the command before it")
	}
	if stage == "" {
		stage = checks.Unstaged
	}
	b.addLine(transcript.Server, stage, rep.Line())
	b.judge(stage, rep)
}

// greeting records the server's greeting the generic reader found.
func (b *builder) greeting(rep *transcript.Reply) {
	b.placed(checks.Banner, Seen, "the server's greeting")
	b.addLine(transcript.Server, checks.Banner, rep.Line())
	b.judge(checks.Banner, rep)
}

// judge decides a stage from its reply.
func (b *builder) judge(stage string, rep *transcript.Reply) {
	b.cur = stage
	if stage == "noop" {
		return
	}
	switch {
	case rep.Code == 334 && stage == "auth":
		return // AUTH continues
	case rep.Code == 354 && stage == "data":
		b.inBody = true
		return
	}
	if stage == "ehlo" || stage == "ehlo_tls" {
		if rep.Code == 250 && len(rep.Lines) > 1 {
			caps := rep.Capabilities()
			if stage == "ehlo" {
				b.t.Capabilities = caps
			} else {
				b.t.CapabilitiesTLS = caps
			}
		}
	}
	if stage == "starttls" && rep.Code == 220 {
		b.set(stage, transcript.Pass, rep, nil)
		b.tlsNext = true
		return
	}
	st := transcript.Fail
	if passes(stage, rep) {
		st = transcript.Pass
	}
	b.set(stage, st, rep, nil)
}

// passes: the reply a working path gives at stage.
func passes(stage string, rep *transcript.Reply) bool {
	code := rep.Code
	if code == 0 {
		return rep.Class() == 2 // only the class is known
	}
	switch stage {
	case "banner", "starttls":
		return code == 220
	case "auth":
		return code == 235
	case "rcpt":
		return code == 250 || code == 251
	case "quit":
		return code == 221 || code == 250
	}
	return code/100 == 2
}

// failure records an error without a reply at its stage: the one the
// capture names, else the command still waiting, else the step after the
// last one seen.
func (b *builder) failure(e event) {
	if e.err == transcript.KindClosed || e.err == transcript.KindReset {
		for _, r := range b.results {
			if r.Status == transcript.Fail || r.Stage == "quit" {
				return // the server hung up after saying why, or after QUIT
			}
		}
	}
	stage := e.stage
	if stage != "" {
		b.placed(stage, Seen, "the capture names the step")
	}
	if stage == "" && len(b.pending) > 0 {
		stage = b.pending[0]
		b.pending = b.pending[1:]
		b.placed(stage, Seen, "the capture shows the command")
	}
	if stage == "" {
		stage = b.after()
		b.placed(stage, Inferred, "the step after the last one the capture shows")
	}
	if e.err == transcript.KindTLS && (stage == "starttls" || stage == "ehlo_tls" || stage == "") {
		stage = "tls"
	}
	if stage == "connect" && e.err == transcript.KindDNS {
		stage = "resolve"
	}
	if prev, ok := b.results[stage]; ok && prev.Status == transcript.Fail {
		return // the first failure at a stage is the evidence
	}
	b.set(stage, transcript.Fail, nil, &transcript.Error{Kind: e.err, Text: e.text})
	b.cur = stage
}

// after is the stage that follows the last one seen.
func (b *builder) after() string {
	switch b.cur {
	case "":
		if _, ok := b.results["connect"]; ok {
			return "banner"
		}
		return "connect"
	case "banner":
		return "ehlo"
	case "starttls":
		return "tls"
	case "tls":
		return "ehlo_tls"
	}
	return b.cur
}

func (b *builder) set(stage string, st transcript.Status, rep *transcript.Reply, err *transcript.Error) {
	r, ok := b.results[stage]
	if !ok {
		r = &transcript.StageResult{Stage: stage}
		b.results[stage] = r
		b.order = append(b.order, stage)
	}
	if stage == "rcpt" && r.Status == transcript.Fail {
		return // one refused recipient is the finding, whatever others got
	}
	if r.Status == transcript.Fail && st == transcript.Pass {
		// The session recovered: the same command, sent again (a typo
		// corrected, AUTH retried, MAIL FROM after AUTH), was accepted.
		// The refusal is set aside; the last unrecovered one decides.
		b.aside = append(b.aside, SetAside{Line: failLine(r), Why: "the session recovered: " + commandOf(stage) + " was accepted when sent again"})
	}
	r.Status, r.Reply, r.Err = st, rep, err
}
