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

// codeFor is the reply code that goes with an enhanced code: the
// catalog's, else the class's usual code.
func codeFor(enh string) int {
	for _, e := range checks.Catalog {
		if e.Enhanced == enh {
			return e.Code
		}
	}
	switch enh[0] {
	case '2':
		return 250
	case '4':
		return 451
	}
	return 550
}
