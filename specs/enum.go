package specs

import (
	"fmt"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/transcript"
)

// oneOf reports whether got is one of valid; if not it reports an error on
// subject listing the valid values and, for a near miss, the likely one.
// what names the thing in the summary ("method", "stage").
func (d *decoder) oneOf(subject hcl.Range, what, got string, valid []string) bool {
	for _, v := range valid {
		if got == v {
			return true
		}
	}
	d.errorAt(subject, "Invalid "+what, "%q is not a valid %s.%s Valid values: %s.",
		got, what, didYouMean(got, valid), quoteList(valid))
	return false
}

// didYouMean returns ` Did you mean "x"?` for the closest of valid within
// two edits (ignoring case), or "" when none is that close or several are
// equally close ("1.4" is as near "1.0" as "1.3": no guess beats a wrong one).
func didYouMean(got string, valid []string) string {
	best, bestDist, tie := "", 3, false
	for _, v := range valid {
		dist := levenshtein.Distance(strings.ToLower(got), strings.ToLower(v), nil)
		switch {
		case dist < bestDist:
			best, bestDist, tie = v, dist, false
		case dist == bestDist:
			tie = true
		}
	}
	if best == "" || tie {
		best = prefixMatch(got, valid)
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// prefixMatch returns the one valid value that got starts with, as when a
// stage is written as the SMTP command ("rcpt_to", "mail_from" for
// "rcpt", "mail"); "" when none or several do.
func prefixMatch(got string, valid []string) string {
	g, found := strings.ToLower(got), ""
	for _, v := range valid {
		if lv := strings.ToLower(v); len(lv) >= 3 && strings.HasPrefix(g, lv) {
			if found != "" {
				return ""
			}
			found = v
		}
	}
	return found
}

// quoteList renders ["a", "b", "c"] as `"a", "b", "c"`.
func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// The spellings oneOf checks a spec's words against, made once: a fleet's
// specs are thousands of sites.
var (
	methodNames    = transcript.Names(transcript.Methods)
	tlsModeNames   = transcript.Names(transcript.TLSModes)
	mechanismNames = transcript.Names(transcript.Mechanisms)
	stageNames     = transcript.Names(transcript.Stages())
	kindNames      = transcript.Names(transcript.Kinds)
	detailNames    = transcript.Names(golden.Details)
)
