package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// textFormat names the generic reader's results ("format": "text").
const textFormat = "text"

// evidence is what the generic reader found in a paste.
type evidence struct {
	lines []logical
	clues []clue
	d     decision
	host  string
	port  int
}

// readEvidence runs the generic reader over a paste: logical lines, clues,
// the decision and the endpoint the text names.
func readEvidence(lines []string) *evidence {
	ls := unfold(lines)
	cs := findClues(ls)
	ev := &evidence{lines: ls, clues: cs, d: decide(ls, cs)}
	ev.host, ev.port = endpointOf(ls)
	return ev
}

// found: the paste holds SMTP evidence of any kind.
func (ev *evidence) found() bool { return ev.d.root != nil || ev.d.last != nil }

// result diagnoses the decisive clue as a partial capture: one stage,
// the rest not shown.
func (ev *evidence) result() *Result {
	b := newBuilder()
	b.host, b.port = ev.host, ev.port
	d := ev.d
	if g := d.greeting; g != nil && (d.root == nil || before(g, d.root)) {
		b.greeting(g.reply)
	}
	switch {
	case d.root != nil && d.root.reply != nil:
		b.reply(d.root.reply, d.stage)
	case d.root != nil:
		b.failure(event{kind: evError, stage: d.stage, err: d.root.err, text: d.root.text})
	case d.greeting != nil && isGreeting(d.last.reply):
		// The greeting (recorded above) is the evidence; a later 220 is
		// another line of it or of another session's.
	default:
		st, _, _ := stageOf(d.last)
		b.reply(d.last.reply, st)
	}
	b.finish()
	res := &Result{Format: textFormat, Transcript: b.t, Input: b.input(), Implied: b.implied}
	res.Input.Partial = true
	res.Verdict = verdict(b, res.Input)
	res.NotShown = notShown(b, res)
	res.SetAside = append(d.aside, b.aside...)
	res.Basis = StageBasis{Basis: d.basis, From: d.from}
	if d.root == nil {
		st, from, basis := stageOf(d.last)
		res.Basis = StageBasis{Basis: basis, From: from}
		if st == checks.Unstaged {
			res.Basis.Basis = Unknown
		}
	}
	if bs, ok := b.basis[res.Verdict.Stage]; ok && (d.root == nil || res.Verdict.Stage != d.stage) {
		res.Basis = bs // the verdict is not the root clue's (the greeting decided)
	}
	if res.Verdict.Stage == checks.Unstaged {
		res.Basis = StageBasis{Basis: Unknown}
	}
	return res
}

// before: clue a comes before clue b in the paste.
func before(a, b *clue) bool { return a.at < b.at || a.at == b.at && a.start < b.start }

// hostRE finds the endpoint a paste names: Microsoft's submission and MX
// hosts, "host:port", and a port given on its own.
var (
	hostRE = lazyre.OnDemand(`(?i)\b((?:smtp(?:-mail)?|smtp-legacy|smtp-hve|outlook)\.(?:office365|outlook)\.com|smtp\.hve\.mx\.microsoft|[a-z0-9-]+\.mail\.protection\.outlook\.com|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.mx\.microsoft|smtp\.partner\.outlook\.cn)\b(?:\]?[:,]\s*(?:port[:=]?\s*)?(\d{2,5})\b)?`)
	portRE = lazyre.OnDemand(`(?i)^port\b["']?\s*[:=]?\s*["']?(25|465|587|2525)\b`)
	// hostWords and portWords are in every match of hostRE and portRE.
	hostWords = lex.add("office365", "outlook", "microsoft")
	portWords = lex.add("port")
)

// endpointOf returns the first endpoint host the paste names and a port
// next to it or named alone (0 when none).
func endpointOf(ls []logical) (string, int) {
	host, port := "", 0
	tries := 0 // lines the host expression ran on: bounded
	for i := range ls {
		t := ls[i].scanned()
		if host == "" && tries < maxHostTries && ls[i].words.any(hostWords) {
			tries++
			var p int
			if host, p = endpointIn(t); p != 0 && port == 0 {
				port = p
			}
		}
		if port == 0 && ls[i].words.any(portWords) {
			port = portOf(t)
		}
		if host != "" && port != 0 {
			break
		}
	}
	return host, port
}

// maxHostTries bounds the lines read for the endpoint's name: a paste of
// thousands of replies that all name Microsoft's front ends (never the
// endpoint) is not searched to its end.
const maxHostTries = 2000

// endpointIn is the first Microsoft endpoint line t names as one, and
// the port next to it (0 when none). A host name that is part of a longer
// name ("outlook.office365.com.office.example.net", a front end's
// "PR3P191CA0021.outlook.office365.com"), or that a reply gives as its
// own (after the reply code, inside its brackets) is not the endpoint the
// client was set to.
func endpointIn(t string) (string, int) {
	for _, m := range hostRE.Regexp().FindAllStringSubmatchIndex(t, 8) {
		a, b := m[2], m[3]
		if a > 0 && (isWordByte(t[a-1]) || t[a-1] == '.' || t[a-1] == '-') ||
			b < len(t) && (isWordByte(t[b]) || t[b] == '-' || t[b] == '.' && b+1 < len(t) && isWordByte(t[b+1])) {
			continue
		}
		if strings.Count(t[:a], "[") > strings.Count(t[:a], "]") || replyBefore.MatchString(t[:a]) || startsReply(t[a:b]) {
			continue
		}
		port := 0
		if m[4] >= 0 {
			port = atoi(t[m[4]:m[5]])
		}
		return strings.ToLower(t[a:b]), port
	}
	return "", 0
}

// portOf is the port a line names after the word "port" (0 when none):
// portRE read at each "port" that starts a word.
func portOf(t string) int {
	for i := indexFold(t, "port", 0); i >= 0; i = indexFold(t, "port", i+4) {
		if i > 0 && isWordByte(t[i-1]) {
			continue
		}
		if m := portRE.FindStringSubmatch(window(t, i, 24)); m != nil {
			return atoi(m[1])
		}
	}
	return 0
}

// indexFold is the index of the lower-case word w in s at or after from,
// ignoring ASCII case; -1 when there is none.
func indexFold(s, w string, from int) int {
	for i := from; i+len(w) <= len(s); i++ {
		if lower(s[i]) == w[0] && equalFoldASCII(s[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}

// errorBeside reports whether a format's session shows no failure while
// the paste holds a failure outside it: a reply the session's lines do
// not hold, or an error the format did not read.
func errorBeside(res *Result, ev *evidence) bool {
	if res.Verdict.Category != checks.OK || ev.d.root == nil {
		return false
	}
	r := ev.d.root
	for _, l := range res.Transcript.Lines {
		if r.reply != nil && strings.Contains(l.Text, r.reply.Line()) || r.reply == nil && strings.Contains(r.text, l.Text) && l.Text != "" {
			return false // the session shows it (and recovered from it)
		}
	}
	if r.reply == nil {
		return r.weight > 0 // a definite socket, DNS or TLS error
	}
	st, _, _ := stageOf(r)
	return st != checks.Unstaged // a reply the text places, or the catalog knows
}

// failureAfter reports whether the generic reader's root, an error without
// a reply, comes right after the last line of the format's session (the
// session's own failure), not before it or far from it (a control test
// pasted beside the error).
func failureAfter(res *Result, ev *evidence, lines []string) bool {
	r := ev.d.root
	if r.reply != nil || len(res.Transcript.Lines) == 0 {
		return false
	}
	end := sessionEnd(res.Transcript, lines)
	at := ev.lines[r.at].first
	return end >= 0 && at > end && at-end <= 3
}

// sessionEnd is the index of the physical line that holds the last
// protocol line of t, -1 when none is found.
func sessionEnd(t *transcript.Transcript, lines []string) int {
	for k := len(t.Lines) - 1; k >= 0 && k >= len(t.Lines)-3; k-- {
		text := strings.TrimSpace(t.Lines[k].Text)
		if text == "" || text == transcript.Redacted {
			continue
		}
		for i := len(lines) - 1; i >= 0; i-- {
			if strings.Contains(lines[i], text) {
				return i
			}
		}
	}
	return -1
}

// wantsGeneric reports whether the generic reader should decide instead
// of the format that claimed the paste: the format's failing reply is a
// wrapper or a consequence the generic reader set aside for a root cause,
// or the format placed its failure at no stage while the text names one.
func wantsGeneric(res *Result, ev *evidence) bool {
	if ev.d.root == nil {
		return false
	}
	f, failed := res.Transcript.Failed()
	if !failed {
		return false
	}
	line := ""
	switch {
	case f.Reply != nil:
		line = f.Reply.Line()
	case f.Err != nil:
		line = f.Err.Text
	}
	if f.Reply == nil && ev.d.root.reply != nil {
		return true // the server's reply says more than the client's error
	}
	for _, a := range ev.d.aside {
		if a.root && line != "" && (strings.Contains(a.Line, line) || strings.Contains(line, a.Line)) {
			return true
		}
	}
	return f.Stage == checks.Unstaged && ev.d.basis == Seen
}
