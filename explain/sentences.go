package explain

import (
	"regexp"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// Every catalog row's distinctive sentence is evidence of that row, with
// or without its code: a title that reads "Client not authenticated to
// send mail." is Exchange Online's 530 5.7.57, a docs page quoting
// "Client was not authenticated to send anonymous mail during MAIL FROM"
// its older 550 5.7.57. The sentences are read from the catalog's own
// texts (the rows marked Telling keep their patterns): each part of a
// row's text between its codes, brackets, URLs and sentence breaks, of
// four words or more (or one Microsoft identifier such as
// TenantAttribution), that no other row shares, matched as a phrase
// (phrase.go).

// rowSentence is one distinctive sentence of a catalog row.
type rowSentence struct {
	row *catalog.Entry
	p   phrase
}

var (
	rowSentences = catalogSentences(catalog.Catalog)
	sentenceKeys = func() wordSet {
		var m wordSet
		for _, s := range rowSentences {
			for _, k := range s.p.keys {
				m[k/64] |= 1 << (k % 64)
			}
		}
		return m
	}()
)

// sentenceBreak splits a row's text into its sentences.
var sentenceBreak = regexp.MustCompile(`\. |\.$|; |[\[\]()]| - `)

// identifierRE: a Microsoft identifier that stands for its reply alone.
var identifierRE = regexp.MustCompile(`^[A-Z][a-z]+(?:[A-Z][a-z]+){2,}$`)

// catalogSentences derives the distinctive sentences of every failure
// row that is not Telling and whose NDR wording no word rule reads
// already (words_ndr.go keeps its own stage and code).
func catalogSentences(rows []catalog.Entry) []rowSentence {
	worded := map[string]bool{}
	for _, w := range ndrWords {
		worded[w.row] = true
	}
	count := map[string]int{}
	type cand struct {
		row  *catalog.Entry
		text string
	}
	var cands []cand
	for i := range rows {
		e := &rows[i]
		if e.Category == catalog.OK {
			continue
		}
		seen := map[string]bool{}
		for _, s := range rowParts(e) {
			key := strings.Join(strings.Fields(strings.ToLower(s)), " ")
			if !seen[key] {
				seen[key] = true
				count[key]++ // a Telling row's parts count: another row's sentence is no row's
				if !e.Telling && !worded[e.ID] {
					cands = append(cands, cand{e, s})
				}
			}
		}
	}
	var out []rowSentence
	for _, c := range cands {
		if count[strings.Join(strings.Fields(strings.ToLower(c.text)), " ")] == 1 {
			out = append(out, rowSentence{row: c.row, p: newPhrase(c.text)})
		}
	}
	return out
}

// rowParts are the parts of a row's text that may be its sentence.
func rowParts(e *catalog.Entry) []string {
	t := leadingCodeRE.ReplaceAllString(e.Text, "")
	t = strings.TrimPrefix(strings.TrimSpace(t), "SMTP;")
	if i := strings.Index(t, "http"); i >= 0 {
		t = t[:i]
	}
	var out []string
	for _, s := range sentenceBreak.Split(t, -1) {
		s = strings.Trim(strings.TrimSpace(s), ".,;:")
		literal := 0
		for _, tk := range tokens(s) {
			if s[tk[0]] != '<' {
				literal++
			}
		}
		if genericPart(s) {
			continue
		}
		if literal >= minTolerant || identifierRE.MatchString(s) && len(s) >= 12 {
			out = append(out, s)
		}
	}
	return out
}

// leadingCodeRE: the enhanced code a row's text starts with.
var leadingCodeRE = regexp.MustCompile(`^#?[245]\.\d{1,3}\.\d{1,3}\s*`)

// genericPart: a part of a reply that any server may say, or that is not
// words at all: a lead-in to a link or an action ("For more information",
// "Please ..."), a host name, a field ("Message=...").
func genericPart(s string) bool {
	l := strings.ToLower(s)
	for _, p := range []string{"for more information", "please ", "contact your"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return strings.Contains(s, "=") || !strings.Contains(s, " ") && !identifierRE.MatchString(s)
}

// sentenceClue reads a catalog row's sentence in line l without its
// reply code.
func sentenceClue(at int, l string, ws *wordSet) (clue, bool) {
	if !ws.intersects(&sentenceKeys) {
		return clue{}, false
	}
	lw := &lineWords{l: l}
	for i := range rowSentences {
		s := &rowSentences[i]
		a, b, ok := s.p.find(lw, ws)
		if !ok {
			continue
		}
		e := s.row
		line := l[a:b]
		if e.Enhanced != "" {
			line = e.Enhanced + " " + line
		}
		rep := &transcript.Reply{Code: e.Code, Enhanced: e.Enhanced, Lines: []string{line}}
		return clue{at: at, start: a, end: b, line: l, reply: rep, text: line}, true
	}
	return clue{}, false
}
