package explain

import (
	"slices"
	"strings"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/internal/lazyre"
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

// lateGreeting records a greeting that came as the answer to EHLO: the
// client stopped waiting for the banner and sent EHLO, and the server's
// 220 arrived after it (PHPMailer's empty first read, then "EHLO command
// failed: 220 ... Microsoft ESMTP MAIL Service ready"). The greeting was
// held up on the way, the banner stage's failure (a middlebox or a slow
// path, checklist step 3); the next reply answers the EHLO.
func (b *builder) lateGreeting(rep *transcript.Reply) bool {
	if len(b.pending) == 0 || b.pending[0] != checks.EHLO || b.has(checks.Banner) || b.tls || !isGreeting(rep) {
		return false
	}
	b.placed(checks.Banner, Seen, "the server's greeting, received after the client's EHLO")
	b.set(checks.Banner, transcript.Fail, nil, &transcript.Error{Kind: transcript.KindTimeout,
		Text: "the greeting came only after the client had sent EHLO (its wait for the banner ran out): " + rep.Line()})
	b.cur = checks.Banner
	return true
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
	if st := catalogStage(rep); st != "" {
		b.placed(st, Inferred, "the reply catalog's stage for "+codesOf(rep.Code, rep.Enhanced))
		return st
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

// credentialLine: a client line that is, or may be, a credential: any
// line of the AUTH exchange but the AUTH command, and a lone base64 word
// that is no command (LOGIN's username and password, an XOAUTH2 blob),
// whatever it decodes to.
func credentialLine(stage, text string) bool {
	t := strings.TrimSpace(text)
	if stage == checks.Auth && !strings.HasPrefix(strings.ToUpper(t), "AUTH") {
		return true
	}
	return len(t) >= 4 && isBase64Word(t) && stageOfCommand(t, false) == ""
}

// markCredentials marks the client lines next to a 334 prompt (before
// or after it) as AUTH answers: a capture that starts inside AUTH LOGIN
// shows the username line before "334 UGFzc3dvcmQ6" without the AUTH
// command that would say so.
func markCredentials(evs []event) {
	prompt := func(e event) bool {
		return e.kind == evServer && strings.HasPrefix(strings.TrimSpace(e.text), "334") ||
			e.kind == evReply && e.reply != nil && e.reply.Code == 334
	}
	for i := range evs {
		if evs[i].kind != evClient || stageOfCommand(evs[i].text, false) != "" {
			continue
		}
		if p, ok := serverAround(evs, i, -1); ok && prompt(p) {
			evs[i].secret = true
		}
		if n, ok := serverAround(evs, i, +1); ok && prompt(n) {
			evs[i].secret = true
		}
	}
}

// serverAround is the nearest server event before (dir -1) or after
// (dir +1) event i, with no client line between.
func serverAround(evs []event, i, dir int) (event, bool) {
	for j := i + dir; j >= 0 && j < len(evs); j += dir {
		switch evs[j].kind {
		case evServer, evReply:
			return evs[j], true
		case evClient:
			return event{}, false
		}
	}
	return event{}, false
}

// messageContent: a client line that belongs to a message, not to the
// protocol: a MIME boundary or a header field.
func messageContent(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "--") && len(t) > 4 || headerFieldRE.MatchString(t)
}

// headerFieldRE: a message header field a client sends after DATA.
var headerFieldRE = lazyre.OnDemand(`(?i)^(?:Content-[A-Za-z-]+|MIME-Version|Subject|From|To|Cc|Date|Message-ID|Reply-To|Return-Path|X-[A-Za-z0-9-]+):\s`)

// failLine is the reply or error that failed r, as evidence.
func failLine(r *transcript.StageResult) string {
	switch {
	case r.Reply != nil:
		return r.Reply.Line()
	case r.Err != nil:
		return r.Err.Text
	}
	return r.Stage
}

// commandOf names the command of a stage for a reader ("MAIL FROM").
func commandOf(stage string) string {
	switch stage {
	case checks.Banner:
		return "the connection"
	case checks.EHLO, checks.EHLOTLS:
		return "EHLO"
	case checks.Mail:
		return "MAIL FROM"
	case checks.Rcpt:
		return "RCPT TO"
	}
	return strings.ToUpper(stage)
}

func (b *builder) addLine(dir transcript.Direction, stage, text string) {
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
	seq := checks.Sequence(plan)
	last := -1
	for i, name := range seq {
		if _, ok := b.results[name]; ok && name != "quit" {
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
		if !slices.Contains(seq, name) && name != "noop" {
			stages = append(stages, *b.results[name]) // a reply the capture does not place
		}
	}
	b.t.Stages = stages
	b.t.Lines = keepLineEnds(b.t.Lines)
	b.t.Method = string(plan.Method)
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
func implies(stage string, b *builder) bool {
	switch stage {
	case "resolve":
		return b.host != "" && !isIP(b.host)
	case "connect", "banner", "ehlo", "mail":
		return true
	case "starttls", "tls", "ehlo_tls":
		return b.saw["tls"] || b.saw["starttls"]
	}
	return false
}

// plan is the probe plan the capture fits.
func (b *builder) plan() checks.Plan {
	p := checks.Plan{Method: b.method(), TLS: checks.StartTLS, Auth: b.saw["auth"] || b.has("auth"), Data: b.saw["data"] || b.has("data"),
		HELO: b.helo && !b.saw["starttls"] && !b.saw["tls"] && !b.saw["auth"]} // a HELO device that tried neither
	if b.port == 465 || b.implicitTLS() {
		p.TLS = checks.Implicit
	}
	return p
}

func (b *builder) has(stage string) bool { _, ok := b.results[stage]; return ok }

// method infers how the device sends from the endpoint and what it did.
func (b *builder) method() checks.Method {
	h := strings.ToLower(b.host)
	switch {
	case checks.MicrosoftMX(h):
		return checks.DirectSend
	case strings.Contains(h, "office365.com"), b.port == 587, b.saw["auth"], b.has("auth"):
		return checks.Submission
	case b.port == 25:
		return checks.DirectSend
	}
	return checks.Submission
}

// input is what the diagnosis needs besides the transcript.
func (b *builder) input() checks.Input {
	port := b.port
	if port == 0 && b.method() != checks.Submission {
		port = 25
	}
	return checks.Input{Plan: b.plan(), Host: b.host, Port: port}
}

// implicitTLS: the handshake failed before the server said anything, so
// the client spoke TLS first (implicit TLS, port 465 style).
func (b *builder) implicitTLS() bool {
	r, ok := b.results["tls"]
	return ok && r.Status == transcript.Fail && !b.has("banner") && !b.saw["starttls"]
}

// lastStage is the last stage the capture shows (not implied), QUIT
// aside: it says nothing about delivery.
func (b *builder) lastStage() string {
	last := ""
	for _, s := range b.t.Stages {
		if _, ok := b.results[s.Stage]; ok && s.Status != transcript.Skip && s.Stage != "quit" {
			last = s.Stage
		}
	}
	return last
}
