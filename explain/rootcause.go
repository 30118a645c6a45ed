package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// Basis says how explain knows a stage or a method.
type Basis string

const (
	Seen     Basis = "seen"     // the capture shows it or names it
	Inferred Basis = "inferred" // read from the reply catalog, the error's kind or the endpoint
	Unknown  Basis = "unknown"  // nothing in the capture says
)

// SetAside is a line of the paste that was evidence but did not decide
// the verdict, and why.
type SetAside struct {
	Line string `json:"line"`
	Why  string `json:"why"`
	// root: set aside for a root cause (a wrapper, a consequence), not
	// merely for a later or better reply; a format's verdict on such a
	// line yields to the generic reader's.
	root bool
}

// decision is what the generic reader concluded from a paste's clues.
type decision struct {
	root *clue // the clue that decides; nil when none failed
	last *clue // the last positive reply, for a paste without failure
	// greeting is the first server greeting in the paste (a 220 that
	// does not answer STARTTLS): whose server the client reached.
	greeting *clue
	stage    transcript.Stage
	from     string
	basis    Basis
	aside    []SetAside
}

// place sets every clue's stage from the text: the command its own line
// names, else the structure of its block (not for a quoted inner reply:
// the structure around it belongs to the reply that quotes it).
func place(ls []logical, cs []clue) {
	memo := map[int]found{}
	for i := range cs {
		c := &cs[i]
		from := 0
		if i > 0 && cs[i-1].at == c.at && cs[i-1].reply != nil {
			from = cs[i-1].end // an error's text runs to the end of its line
		}
		if c.word != nil && c.word.named && c.stage != "" || c.named && c.stage != "" {
			continue // a library's message, or a server's log, names its step (words.go, localrelay.go)
		}
		if c.positive() && queuedRE.MatchString(c.reply.Text()) {
			// "250 2.0.0 Ok: queued as 3CB2B113CB6", Exchange's "Queued mail
			// for delivery": only the end of data is answered so, whatever
			// command words stand near it (a client's dump of the EHLO
			// list: 'AUTH PLAIN LOGIN').
			c.stage, c.from = transcript.Data, "the reply's words (\"queued\")"
			continue
		}
		c.stage, c.from = lineHint(c, from, &ls[c.at].words)
		if c.stage == "" && !c.inner {
			c.stage, c.from = blockHint(ls, c.at, memo)
		}
		// An error's own kind names its stage better than a library's
		// phase ("connect" for a TLS handshake nodemailer runs at CONN).
		if c.reply == nil && c.errStage != "" && c.weight > 0 && c.errStage != transcript.Auth {
			// A TLS error put at AUTH by the word "authentication" is TLS's
			// own authentication (.NET's SslStream.AuthenticateAsClient:
			// "Authentication failed because the remote party has closed
			// the transport stream"): SMTP AUTH runs inside a finished
			// handshake.
			tlsAtAuth := c.err == transcript.KindTLS && c.errStage == transcript.TLS && c.stage == transcript.Auth
			if c.stage == "" || c.stage == transcript.Connect || c.stage == transcript.Banner || tlsAtAuth {
				c.stage, c.from = c.errStage, "the error's words \""+short(c.errWords)+"\""
			}
		}
	}
}

// queuedRE: a success reply that says the message was queued.
var queuedRE = lazyre.OnDemand(`(?i)\bqueued\b`)

// decide picks the clue that decides the verdict (the root cause, not the
// last symptom) and says why every other failure was set aside.
func decide(ls []logical, cs []clue) decision {
	place(ls, cs)
	var d decision
	alive := map[int]bool{}
	for i := range cs {
		if cs[i].failed() {
			alive[i] = true
		} else if cs[i].positive() {
			d.last = &cs[i]
			if d.greeting == nil && isGreeting(cs[i].reply) {
				d.greeting = &cs[i]
			}
		}
	}
	if len(alive) == 0 {
		return d
	}
	setAside := func(i int, why string) {
		if alive[i] {
			delete(alive, i)
			root := strings.HasPrefix(why, "a wrapper") || strings.HasPrefix(why, "a consequence")
			d.aside = append(d.aside, SetAside{Line: cs[i].text, Why: why, root: root && cs[i].reply != nil})
		}
	}
	wrappers(cs, alive, setAside)
	truncatedCopies(cs, alive, setAside)
	recoveredConnects(cs, alive, setAside)
	consequences(cs, alive, setAside)
	proseAside(cs, alive, setAside)
	weakErrors(cs, alive, setAside)
	if len(alive) == 0 {
		return d // every failure was set aside: the delivery after them decides
	}
	best := -1
	scores := make([]int, len(cs)) // each clue scored once: a score reads its whole line
	for i := range cs {
		if !alive[i] {
			continue
		}
		scores[i] = score(&cs[i])
		if best < 0 || scores[i] >= scores[best] {
			best = i
		}
	}
	for i := range cs {
		if alive[i] && i != best {
			setAside(i, otherWhy(&cs[i], &cs[best], scores[i] < scores[best]))
		}
	}
	d.root = &cs[best]
	d.stage, d.from, d.basis = stageOf(d.root)
	if d.basis != Seen {
		if c := stagedCopy(cs, d.root); c != nil {
			// A bounce's DSN field repeats the reply its prose placed ("said:
			// 451 4.7.650 ... (in reply to MAIL FROM command)" above
			// "Diagnostic-Code: smtp; 451 4.7.650 ..."): the copy's step is the root's.
			d.stage, d.from, d.basis = c.stage, c.from, Seen
		}
	}
	if p := positiveBefore(cs, d.root); p != nil && d.root.reply == nil && d.root.stage == "" && d.root.err != transcript.KindDNS && startTLSAccepted(p.reply) {
		// A client's failure right after the server accepted STARTTLS is
		// the TLS handshake's (PHPMailer's "Could not connect to SMTP
		// host" after "220 2.0.0 SMTP server ready").
		d.stage, d.from, d.basis = transcript.TLS, "the error follows the server's acceptance of STARTTLS (\""+short(p.text)+"\")", Inferred
	}
	return d
}

// positiveBefore is the last positive reply before clue r.
func positiveBefore(cs []clue, r *clue) *clue {
	var p *clue
	for i := range cs {
		if cs[i].positive() && before(&cs[i], r) {
			p = &cs[i]
		}
	}
	return p
}

// startTLSAccepted: a 220 that answers STARTTLS, not a greeting.
func startTLSAccepted(rep *transcript.Reply) bool {
	return rep != nil && rep.Code == 220 && !isGreeting(rep)
}

// isGreeting: a 220 that greets rather than answers STARTTLS ("220 2.0.0
// SMTP server ready", "220 Ready to start TLS", "220 TLS go ahead").
func isGreeting(rep *transcript.Reply) bool {
	if rep.Code != 220 || rep.Enhanced != "" {
		return false
	}
	t := strings.ToLower(rep.Text())
	return !strings.Contains(t, "tls") && !strings.Contains(t, "go ahead")
}

// wrappers sets aside a reply that quotes another failure: a relay's
// "451 4.4.0 ... responded with: 421 4.7.66", .NET's "5.7.57 ... Error:
// 535 5.7.139", a local relay's "554 Error: dial error: tls: ...". The
// quoted one is the server (or hop) that refused.
func wrappers(cs []clue, alive map[int]bool, setAside func(int, string)) {
	for i := range cs {
		if cs[i].inner && alive[i] && alive[cs[i].outer] {
			setAside(cs[i].outer, "a wrapper: it quotes the failure that decided (\""+short(cs[i].text)+"\")")
		}
	}
}

// notTLSTxRE: the replies a server gives MAIL FROM when the client did
// not start TLS first; like a refusal for want of authentication
// (notAuthenticated), they follow from a TLS or AUTH failure earlier in
// the same paste.
var notTLSTxRE = lazyre.OnDemand(`(?i)STARTTLS is required|Must issue a STARTTLS|STARTTLS first`)

// consequences sets aside failures that an earlier-stage failure in the
// paste explains: MAIL FROM refused as unauthenticated after AUTH failed,
// or for want of TLS after the TLS handshake failed.
// recoveredConnects sets aside a connection that failed (no route, refused,
// timed out) when the paste then shows the message delivered (a 250 with
// 2.6.0 or "queued", Postfix's status=sent): an MTA that tries the next
// address of the host (IPv6 unreachable, then IPv4) or retries logs both,
// and the delivery is the outcome, not the attempt before it.
func recoveredConnects(cs []clue, alive map[int]bool, setAside func(int, string)) {
	delivered := -1
	for i := range cs {
		if cs[i].positive() && deliveredRE.MatchString(cs[i].line) {
			delivered = i
		}
	}
	if delivered < 0 {
		return
	}
	for i := range cs {
		c := &cs[i]
		if !alive[i] || c.reply != nil || i > delivered {
			continue
		}
		switch c.err {
		case transcript.KindUnreachable, transcript.KindRefused, transcript.KindTimeout:
			setAside(i, "an earlier attempt that the delivery after it recovered from (\""+short(cs[delivered].text)+"\")")
		}
	}
}

// deliveredRE: a line that says the message was delivered or queued for
// delivery by the next server.
var deliveredRE = lazyre.OnDemand(`(?i)\bstatus=sent\b|\b250[ -](?:2\.6\.0\b|.{0,80}\bqueued\b)|Queued mail for delivery`)

// truncatedCopies sets aside a reply a stack frame or a log cut short
// ("assertResponseCode('530 5.7.1 Authe...'") when the paste also holds
// it whole: the whole one says what the cut one cannot.
func truncatedCopies(cs []clue, alive map[int]bool, setAside func(int, string)) {
	for i := range cs {
		if !alive[i] || cs[i].reply == nil {
			continue
		}
		cut, ok := cutText(cs[i].text)
		if !ok {
			continue
		}
		for j := range cs {
			if j != i && alive[j] && cs[j].reply != nil && cs[j].reply.Code == cs[i].reply.Code && len(cs[j].text) > len(cut) && strings.HasPrefix(cs[j].text, cut) {
				setAside(i, "a copy cut short of \""+short(cs[j].text)+"\", which the paste holds whole")
				break
			}
		}
	}
}

// cutText is a reply text without the ellipsis that says it was cut.
func cutText(t string) (string, bool) {
	t = strings.TrimRight(t, " '\"`")
	for _, e := range []string{"...", "…"} {
		if strings.HasSuffix(t, e) {
			return strings.TrimSuffix(t, e), len(t) > len(e)+4
		}
	}
	return "", false
}

func consequences(cs []clue, alive map[int]bool, setAside func(int, string)) {
	authFailed, tlsFailed := false, false
	for i := range cs {
		if !alive[i] {
			continue
		}
		st, _, _ := stageOf(&cs[i])
		authFailed = authFailed || st == transcript.Auth
		tlsFailed = tlsFailed || st == transcript.TLS || st == transcript.STARTTLS
	}
	for i := range cs {
		if !alive[i] || cs[i].reply == nil {
			continue
		}
		st, _, _ := stageOf(&cs[i])
		t := cs[i].reply.Text()
		switch {
		case authFailed && st != transcript.Auth && notAuthenticated(t):
			setAside(i, "a consequence: the server refused unauthenticated mail because AUTH had failed")
		case tlsFailed && st != transcript.TLS && notTLSTxRE.MatchString(t):
			setAside(i, "a consequence: the server required STARTTLS because the TLS handshake had failed")
		}
	}
}

// weakErrors sets aside a dropped connection or a client's own summary
// when the paste holds the server's refusal or a definite network error:
// the connection closes after a refusal, "Could not authenticate" sums up
// a 535.
func weakErrors(cs []clue, alive map[int]bool, setAside func(int, string)) {
	strong := false
	for i := range cs {
		if alive[i] && (cs[i].reply != nil || cs[i].weight > 0) {
			strong = true
		}
	}
	if !strong {
		return
	}
	for i := range cs {
		if alive[i] && cs[i].reply == nil && cs[i].weight == 0 {
			setAside(i, "the client's account of the failure: the server's reply or a definite error above says why")
		}
	}
}

// stagedCopy is another clue holding the same reply as root (its codes
// and the start of its text) at a stage the text names; nil when none.
func stagedCopy(cs []clue, root *clue) *clue {
	if root.reply == nil {
		return nil
	}
	want := root.reply.Text()
	for i := range cs {
		c := &cs[i]
		if c == root || c.reply == nil || c.stage == "" || c.reply.Code != root.reply.Code || c.reply.Enhanced != root.reply.Enhanced {
			continue
		}
		got := c.reply.Text()
		n := min(len(got), len(want), 40)
		if got[:n] == want[:n] {
			return c
		}
	}
	return nil
}

// score ranks the failures left: a reply the catalog knows by its text
// over one known by its codes over an unknown one; a Microsoft 365 reply
// over another hop's; a permanent refusal over a temporary one (the final
// refusal after retries). Ties go to the later clue.
func score(c *clue) int {
	s := 0
	if c.reply == nil {
		s = 4 + c.weight*2
		if c.word != nil {
			s += c.word.rank
		}
		if microsoftText(c.line) {
			s++ // the Microsoft hop's failure, not another host's
		}
		return s
	}
	if e := catalog.Match(c.stage, c.reply); e != nil && e.Category != catalog.OK {
		s += 4
		if e.Pattern != nil {
			s += 2
		}
	}
	if microsoftHop(c) {
		s += 2
	}
	if c.reply.Class() == 5 {
		s++
	}
	return s
}

// microsoftRE: a Microsoft 365 front end or protection host in a reply.
var microsoftRE = lazyre.OnDemand(`(?i)\.outlook\.(?:com|cn)\b|\.office365\.com|\.protection\.outlook|\.mx\.microsoft|\bEOP\b|STOREDRV|aka\.ms/|(?:postmaster|mail)\.live\.com`)

func microsoftText(s string) bool { return microsoftRE.MatchString(s) }

// microsoftHop: reply clue c is a Microsoft 365 host's, by the reply's
// text or by the host a log names right before it ("host
// hotmail-com.olc.protection.outlook.com[ip] said: 421 RP-001 ...").
func microsoftHop(c *clue) bool {
	if microsoftText(c.reply.Text()) {
		return true
	}
	if c.start <= 0 || c.start > len(c.line) {
		return false
	}
	return microsoftText(c.line[max(0, c.start-200):c.start])
}

// otherWhy says why failure c lost to the root r (lower: c scored below
// r).
func otherWhy(c, r *clue, lower bool) string {
	switch {
	case c.reply != nil && r.reply != nil && c.reply.Class() < 5 && r.reply.Class() == 5:
		return "a temporary refusal (4xx); the permanent refusal decides"
	case c.reply != nil && !microsoftHop(c) && r.reply != nil && microsoftHop(r):
		return "another hop's reply; the Microsoft 365 reply decides"
	case lower:
		return "less specific than the reply that decides"
	}
	return "an earlier failure of the same paste; the last one decides"
}

// stageOf is the clue's stage and how it is known: named by the text,
// else the catalog's stage for the reply, else the error's own kind,
// else unknown.
func stageOf(c *clue) (transcript.Stage, string, Basis) {
	if c.stage != "" {
		return c.stage, c.from, Seen
	}
	if c.reply != nil {
		if st := catalogStage(c.reply); st != "" {
			return st, "the reply catalog's stage for " + codesOf(c.reply.Code, c.reply.Enhanced), Inferred
		}
		return transcript.Unstaged, "", Unknown
	}
	if c.errStage != "" {
		return c.errStage, "the kind of error (" + string(c.err) + ")", Inferred
	}
	return transcript.Unstaged, "", Unknown
}

func codesOf(code int, enh string) string {
	switch {
	case code == 0:
		return enh
	case enh == "":
		return itoa(code)
	}
	return itoa(code) + " " + enh
}

// short cuts a line for a note.
func short(s string) string {
	const max = 120
	if len(s) <= max {
		return s
	}
	return s[:runeStart(s, max)] + "..."
}
