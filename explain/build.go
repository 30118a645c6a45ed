package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// builder turns events into a transcript: client commands open stages,
// replies close them in order (pipelining keeps a queue), a TLS event
// moves the session inside TLS.
type builder struct {
	t       *transcript.Transcript
	results map[transcript.Stage]*transcript.StageResult
	order   []transcript.Stage // stages in the order they were first seen
	pending []transcript.Stage // stages whose command awaits a reply, oldest first
	partial []string           // lines of a multi-line reply being read
	cur     transcript.Stage   // the stage of the last reply or command
	tls     bool
	inBody  bool // between 354 and the lone "."
	// tlsNext: STARTTLS was accepted; most clients do not log the
	// handshake, so their next command shows it completed.
	tlsNext bool
	helo    bool
	host    string
	port    int
	saw     map[transcript.Stage]bool // commands and events seen: auth, starttls, data
	implied []transcript.Stage
	// basis says how each stage was placed: seen (its command is shown or
	// the format names it), inferred (the catalog's stage, the command
	// before it), unknown.
	basis map[transcript.Stage]StageBasis
	// aside: refusals the session recovered from.
	aside []SetAside
}

func newBuilder() *builder {
	return &builder{t: &transcript.Transcript{Site: "explain"}, results: map[transcript.Stage]*transcript.StageResult{}, saw: map[transcript.Stage]bool{},
		basis: map[transcript.Stage]StageBasis{}}
}

// placed records how stage was placed, keeping the first (strongest) word.
func (b *builder) placed(stage transcript.Stage, basis Basis, from string) {
	if _, ok := b.basis[stage]; !ok {
		b.basis[stage] = StageBasis{Basis: basis, From: from}
	}
}

// basisOf is how the verdict's stage is known.
func (b *builder) basisOf(stage transcript.Stage) StageBasis {
	if stage == "" || stage == transcript.Unstaged {
		return StageBasis{Basis: Unknown}
	}
	if bs, ok := b.basis[stage]; ok {
		return bs
	}
	return StageBasis{Basis: Seen, From: "the capture shows the " + string(stage) + " stage"}
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
		b.set(transcript.Connect, transcript.Pass, nil, nil)
	case evTLS:
		b.flush()
		b.tlsNext = false
		b.tls = true
		b.saw[transcript.TLS] = true
		b.set(transcript.TLS, transcript.Pass, nil, nil)
		if e.text != "" {
			b.t.TLS = &transcript.TLSInfo{Version: e.text, Verified: true}
		}
		b.cur = transcript.TLS
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
			b.pending = append(b.pending, transcript.Data)
			b.addLine(transcript.Client, transcript.Data, ".")
		}
		return // message body lines are not protocol
	}
	st := stageOfCommand(line, b.tls)
	if st == transcript.Noop {
		b.addLine(transcript.Client, b.cur, line)
		b.pending = append(b.pending, transcript.Noop)
		return
	}
	if st == "" {
		switch {
		case secret:
			st = transcript.Auth // an answer to a 334 prompt, the AUTH command cut off
			b.placed(st, Seen, "the AUTH prompt (334) next to it")
		case b.cur == transcript.Data && len(b.pending) > 0 && b.pending[len(b.pending)-1] == transcript.Data:
			return // more of the message the capture started in (a blank line, the final ".")
		case b.cur != "":
			// A credential or a continuation: it belongs to the stage
			// that asked for it (AUTH LOGIN's 334 prompts).
			st = b.cur
		case messageContent(line):
			// The capture starts inside the message (a MIME boundary, a
			// header): the reply that follows answers the data.
			if b.cur != transcript.Data {
				b.placed(transcript.Data, Inferred, "the message content before it")
				b.pending = append(b.pending, transcript.Data)
				b.cur = transcript.Data
				b.saw[transcript.Data] = true
			}
			return
		default:
			// Nothing says which stage this line belongs to: it opens
			// none, and the reply after it is placed by its own words.
			b.addLine(transcript.Client, transcript.Unstaged, line)
			return
		}
	}
	if st == transcript.EHLO || st == transcript.EHLOTLS {
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
	_, final, _, ok := replyLine(line)
	if !ok {
		if len(b.partial) > 0 { // a continuation without code (wrapped text)
			b.partial[len(b.partial)-1] += " " + strings.TrimSpace(line)
		}
		return
	}
	if b.inBody && len(b.partial) == 0 {
		// The server answers the message's end, whose "." the paste left
		// out (a hand-typed telnet session copied without it): the body
		// ended there.
		b.inBody = false
		b.pending = append(b.pending, transcript.Data)
	}
	b.partial = append(b.partial, line)
	if !final {
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
		c, _, text, _ := replyLine(l)
		code = c
		texts = append(texts, strings.TrimSpace(text))
	}
	rep := &transcript.Reply{Code: code, Enhanced: transcript.ParseEnhanced(texts[0]), Lines: texts}
	if b.lateGreeting(rep) {
		for _, l := range lines {
			b.addLine(transcript.Server, transcript.Banner, l)
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
func (b *builder) nextStage(rep *transcript.Reply) transcript.Stage {
	if len(b.pending) > 0 {
		st := b.pending[0]
		b.pending = b.pending[1:]
		b.placed(st, Seen, "the capture shows the command")
		return st
	}
	if _, ok := b.results[transcript.Banner]; !ok && !b.tls && rep.Code == 220 {
		b.placed(transcript.Banner, Seen, "the server's greeting")
		return transcript.Banner
	}
	if st := b.shapeStage(rep); st != "" {
		b.placed(st, Inferred, "the shape of the reply (a capture of the server's lines only)")
		return st
	}
	if st := catalogStage(rep); st != "" {
		b.placed(st, Inferred, "the reply catalog's stage for "+codesOf(rep.Code, rep.Enhanced))
		return st
	}
	if b.cur == transcript.Banner && (rep.Class() < 4 || b.passed(transcript.Banner)) {
		return transcript.Unstaged // a banner has one reply: this one answers a command not shown
	}
	if b.cur != "" {
		b.placed(b.cur, Inferred, "the command before it")
		return b.cur
	}
	return transcript.Unstaged
}

// reply records a whole reply at stage ("" when the capture does not say:
// the catalog's stage for it, else the current stage).
func (b *builder) reply(rep *transcript.Reply, stage transcript.Stage) {
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
		stage = transcript.Unstaged
	}
	b.addLine(transcript.Server, stage, rep.Line())
	b.judge(stage, rep)
}

// greeting records the server's greeting the generic reader found.
func (b *builder) greeting(rep *transcript.Reply) {
	b.placed(transcript.Banner, Seen, "the server's greeting")
	b.addLine(transcript.Server, transcript.Banner, rep.Line())
	b.judge(transcript.Banner, rep)
}

// judge decides a stage from its reply.
func (b *builder) judge(stage transcript.Stage, rep *transcript.Reply) {
	b.cur = stage
	if stage == transcript.Noop {
		return
	}
	switch {
	case rep.Code == 334 && stage == transcript.Auth:
		return // AUTH continues
	case rep.Code == 354 && stage == transcript.Data:
		b.inBody = true
		return
	}
	if stage.Facts().Capabilities {
		if rep.Code == 250 && len(rep.Lines) > 1 {
			caps := rep.Capabilities()
			if stage == transcript.EHLO {
				b.t.Capabilities = caps
			} else {
				b.t.CapabilitiesTLS = caps
			}
		}
	}
	if stage == transcript.STARTTLS && rep.Code == 220 {
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

// passes: the reply a working path gives at stage: the probe's codes
// where one code says so (the greeting, STARTTLS, AUTH, RCPT TO), any 2xx
// elsewhere, and at quit RSET's 250 too (a capture puts RSET there).
func passes(stage transcript.Stage, rep *transcript.Reply) bool {
	code := rep.Code
	if code == 0 {
		return rep.Class() == 2 // only the class is known
	}
	switch stage {
	case transcript.Banner, transcript.STARTTLS, transcript.Auth, transcript.Rcpt:
		return stage.Passes(code)
	case transcript.Quit:
		return stage.Passes(code) || code == 250
	}
	return code/100 == 2
}

// failure records an error without a reply at its stage: the one the
// capture names, else the command still waiting, else the step after the
// last one seen.
func (b *builder) failure(e event) {
	if e.err == transcript.KindClosed || e.err == transcript.KindReset {
		for _, r := range b.results {
			if r.Status == transcript.Fail || r.Stage == transcript.Quit {
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
	if e.err == transcript.KindTLS && (stage == transcript.STARTTLS || stage == transcript.EHLOTLS || stage == "") {
		stage = transcript.TLS
	}
	if stage == transcript.Connect && e.err == transcript.KindDNS {
		stage = transcript.Resolve
	}
	if prev, ok := b.results[stage]; ok && prev.Status == transcript.Fail {
		return // the first failure at a stage is the evidence
	}
	b.set(stage, transcript.Fail, nil, &transcript.Error{Kind: e.err, Text: e.text})
	b.cur = stage
}

// after is the stage that follows the last one seen.
func (b *builder) after() transcript.Stage {
	switch b.cur {
	case "":
		if _, ok := b.results[transcript.Connect]; ok {
			return transcript.Banner
		}
		return transcript.Connect
	case transcript.Banner:
		return transcript.EHLO
	case transcript.STARTTLS:
		return transcript.TLS
	case transcript.TLS:
		return transcript.EHLOTLS
	}
	return b.cur
}

func (b *builder) set(stage transcript.Stage, st transcript.Status, rep *transcript.Reply, err *transcript.Error) {
	r, ok := b.results[stage]
	if !ok {
		r = &transcript.StageResult{Stage: stage}
		b.results[stage] = r
		b.order = append(b.order, stage)
	}
	if stage == transcript.Rcpt && r.Status == transcript.Fail {
		return // one refused recipient is the finding, whatever others got
	}
	if r.Status == transcript.Fail && st == transcript.Pass {
		// The session recovered: the same command, sent again (a typo
		// corrected, AUTH retried, MAIL FROM after AUTH), was accepted.
		// The refusal is set aside; the last unrecovered one decides.
		b.aside = append(b.aside, SetAside{Line: failLine(r), Why: "the session recovered: " + commandOf(stage) + " was accepted when sent again"})
	}
	if err != nil {
		err.Reason = reasonOf(err.Text) // the words are all a paste has
	}
	r.Status, r.Reply, r.Err = st, rep, err
}

// passed: stage has its result already, and it passed.
func (b *builder) passed(stage transcript.Stage) bool {
	r, ok := b.results[stage]
	return ok && r.Status == transcript.Pass
}
