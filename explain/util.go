package explain

import (
	"net"
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/transcript"
)

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func itoa(n int) string { return strconv.Itoa(n) }

func isIP(h string) bool { return net.ParseIP(strings.Trim(h, "[]")) != nil }

// catalogStage is the stage where the catalog sees reply rep ("" when the
// catalog does not know it).
func catalogStage(rep *transcript.Reply) string {
	if e := checks.Match("", rep); e != nil && e.Category != checks.OK {
		return e.Stage
	}
	return ""
}

// codeFor is the reply code that goes with an enhanced code and its
// text: the catalog row's that the text matches, else the class's usual
// code.
func codeFor(enh, text string) int {
	if e := catalogFor(enh, text); e != nil {
		return e.Code
	}
	switch enh[0] {
	case '2':
		return 250
	case '4':
		return 451
	}
	return 550
}

// catalogFor is the catalog row for a reply text without its code: the
// row of that enhanced code whose pattern matches the text, else the
// first row of that enhanced code.
func catalogFor(enh, text string) *checks.Entry {
	var first *checks.Entry
	for i := range checks.Catalog {
		e := &checks.Catalog[i]
		if e.Enhanced != enh {
			continue
		}
		if e.Pattern != nil && e.Pattern.MatchString(text) {
			return e
		}
		if first == nil {
			first = e
		}
	}
	return first
}
