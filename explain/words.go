package explain

import (
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// A wordRule is a failure a text tells in words rather than in a reply
// line: a client library's or an MTA's fixed error message (PHPMailer's
// "SMTP Error: data not accepted.", Postfix's "lost connection with ...
// while sending RCPT TO"), Microsoft's NDR and support wording ("...
// wasn't found at ...", "conditionally unblocked"), or the reporter's own
// words in a common language ("authentication failed", "Mails bloqués").
// The tables are words_lib.go, words_ndr.go and words_prose.go; the
// reader finds them like error signs (errclue.go), and the verdict of a
// rule with a finding of its own is that finding (applyWords).
type wordRule struct {
	id   string    // stable name, "library:key" ("phpmailer:data_not_accepted")
	keys []keyword // every match holds one of them (the lexicon's pre-filter)
	re   *lazyre.Regexp
	kind transcript.Kind
	// stage is the step the words imply ("" none: the stage is unknown);
	// named: the words name that step themselves (PHPMailer's "Password
	// command failed"), so it is seen, not inferred. stageOf, when set,
	// reads the step from the match ("in response to EHLO").
	stage   transcript.Stage
	named   bool
	stageOf func(m string) transcript.Stage
	level   wordLevel
	// strong: a definite statement of what failed (an MTA's log line),
	// not a client's summary; it is not set aside for a reply elsewhere.
	strong bool
	// rank breaks ties between word clues: the words that say more (a
	// block list over the sending limit it brings) rank higher.
	rank int
	// row is the catalog row whose finding the words carry (Microsoft's
	// NDR wording for a code); find a finding of explain's own. Neither:
	// the diagnosis reads the failure by stage and kind, as for an error.
	row  string
	find *wordFinding
	// not: words on the same line that make the rule not apply (a
	// "blocked" that is a firewall's or a port's, not a block list's).
	not *lazyre.Regexp
	// phrases: the rule's fixed sentences, also matched as a person
	// pastes them (phrase.go: case, prose around, one typo) when re does
	// not match.
	phrases []phrase
}

// tolerant makes the phrases of a rule's fixed sentences.
func tolerant(ss ...string) []phrase {
	out := make([]phrase, len(ss))
	for i, s := range ss {
		out[i] = newPhrase(s)
	}
	return out
}

// gate: line words ws may hold the rule (its keys or its phrases').
func (w *wordRule) gate(ws *wordSet) bool {
	if ws.any(w.keys) {
		return true
	}
	for i := range w.phrases {
		if ws.any(w.phrases[i].keys) {
			return true
		}
	}
	return false
}

// locate is where in lw's line the rule matches: its expression, else one
// of its phrases.
func (w *wordRule) locate(lw *lineWords, ws *wordSet) []int {
	if ws.any(w.keys) {
		if loc := w.re.Regexp().FindStringIndex(lw.l); loc != nil {
			return loc
		}
	}
	for i := range w.phrases {
		if a, b, ok := w.phrases[i].find(lw, ws); ok {
			return []int{a, b}
		}
	}
	return nil
}

// wordLevel says whose words they are, which sets how much they weigh.
type wordLevel int

const (
	library wordLevel = iota // a library's or an MTA's fixed message
	notice                   // Microsoft's NDR or support wording
	prose                    // the reporter's words: used only when nothing else is there
)

func (l wordLevel) whose() string {
	switch l {
	case library:
		return "a program's fixed error message"
	case notice:
		return "Microsoft's NDR or support wording"
	}
	return "the reporter's words"
}

// wordFinding is a verdict explain gives for words with no catalog row.
type wordFinding struct {
	cat          catalog.Category
	step         int
	text, next   string
	source       string
	learn        string // "" takes the page for the category
	keepUnstaged bool   // the stage stays unknown whatever the rule implies
}

// allWords is every word rule, most specific first: library messages,
// then notices, then prose (the first that matches a line wins).
var allWords = concatWords(configWords, libWords, ndrWords, proseWords)

func concatWords(ts ...[]wordRule) []wordRule {
	var out []wordRule
	for _, t := range ts {
		out = append(out, t...)
	}
	return out
}

// wordKeys is the union of every word rule's keys: most lines hold none,
// and one test of the set rules them all out.
var wordKeys = func() wordSet {
	var m wordSet
	for _, w := range allWords {
		ks := w.keys
		for _, p := range w.phrases {
			ks = append(ks, p.keys...)
		}
		for _, k := range ks {
			m[k/64] |= 1 << (k % 64)
		}
	}
	return m
}()

// wordClue is the clue of the first word rule that matches line l, if any.
func wordClue(at int, l string, ws *wordSet) (clue, bool) {
	if !ws.intersects(&wordKeys) {
		return clue{}, false
	}
	lw := &lineWords{l: l}
	for i := range allWords {
		w := &allWords[i]
		if !w.gate(ws) {
			continue
		}
		loc := w.locate(lw, ws)
		if loc == nil || w.not != nil && w.not.MatchString(l) {
			continue
		}
		m := l[loc[0]:loc[1]]
		c := clue{at: at, start: loc[0], end: len(l), line: l, err: w.kind, text: errorText(l, loc),
			errWords: m, word: w, errStage: w.stage}
		if w.stageOf != nil {
			c.errStage = w.stageOf(m)
		}
		if c.errStage == "" {
			c.errStage = transcript.Unstaged
		}
		if w.named && c.errStage != transcript.Unstaged {
			c.stage, c.from = c.errStage, w.level.whose()+" names the step: \""+short(strings.TrimSpace(m))+"\""
		}
		if w.strong {
			c.weight = 1
		}
		return c, true
	}
	return clue{}, false
}

// proseAside sets aside the reporter's words when the paste holds any
// other failure: prose is evidence only when nothing stronger exists.
func proseAside(cs []clue, alive map[int]bool, setAside func(int, string)) {
	other := false
	for i := range cs {
		if alive[i] && (cs[i].word == nil || cs[i].word.level != prose) {
			other = true
		}
	}
	if !other {
		return
	}
	for i := range cs {
		if alive[i] && cs[i].word != nil && cs[i].word.level == prose {
			setAside(i, "the reporter's words: the paste holds better evidence")
		}
	}
}

// applyWords gives the verdict of the words that decided: the catalog
// row's finding, or the rule's own; the stage's basis says whose words
// they are. Words without a finding keep the diagnosis by stage and kind.
func applyWords(res *Result, c *clue) {
	w := c.word
	if res.Verdict.Stage != transcript.Unstaged {
		switch {
		case c.stage != "" && c.from != "":
			res.Basis = StageBasis{Basis: Seen, From: c.from}
		default:
			res.Basis = StageBasis{Basis: Inferred, From: w.level.whose() + " \"" + short(strings.TrimSpace(c.errWords)) + "\""}
		}
	}
	if w.level == prose {
		res.Basis.Basis = weaker(res.Basis.Basis)
	}
	fd, src, learn := w.finding()
	if fd == nil {
		// Whose words they are ends the verdict's text, before its evidence.
		if v := &res.Verdict; v.Evidence != "" {
			if n := len(v.Notes); n > 0 {
				v.Notes = append(v.Notes[:n-1:n-1], v.Notes[n-1]+" ("+w.level.whose()+")")
			} else {
				v.Finding += " (" + w.level.whose() + ")"
			}
		}
		return
	}
	v := diagnosis.Verdict{Category: fd.cat, Stage: res.Verdict.Stage, Step: fd.step, Next: fd.next, Evidence: c.text,
		Rule: "explain:words:" + w.id, Source: src}
	if fd.keepUnstaged {
		v.Stage = transcript.Unstaged
		res.Basis = StageBasis{Basis: Unknown}
	}
	v.Finding = fd.text + " (" + w.level.whose() + ", no server reply in the text)"
	v.Learn = learn
	if v.Learn == "" {
		v.Learn = diagnosis.LearnFor(v)
	}
	res.Verdict = v
}

// weaker: the reporter's words never make a stage "seen".
func weaker(b Basis) Basis {
	if b == Seen {
		return Inferred
	}
	return b
}

// finding is the rule's finding: its catalog row's, or its own.
func (w *wordRule) finding() (*wordFinding, string, string) {
	if w.row != "" {
		if e := catalog.Lookup(w.row); e != nil {
			return &wordFinding{cat: e.Category, step: e.Step, text: e.Finding, next: e.Next,
				keepUnstaged: w.stage == ""}, e.Source, e.Learn
		}
	}
	if w.find != nil {
		return w.find, w.find.source, w.find.learn
	}
	return nil, "", ""
}
