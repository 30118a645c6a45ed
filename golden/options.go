package golden

import (
	"regexp"
	"strings"

	"github.com/smtpspec/smtpspec/transcript"
)

// Detail says how much of each line a golden pins.
type Detail string

const (
	// Full pins the normalised text of every line (the default).
	Full Detail = "full"
	// Codes pins only what a change of behaviour shows in: the commands
	// sent, reply codes and enhanced codes, EHLO capabilities and the TLS
	// version. Reply wording, certificate names and cipher suites may
	// change without drift.
	Codes Detail = "codes"
)

// Details lists the valid detail levels, for the spec language.
var Details = []Detail{Full, Codes}

// Rule is a user redaction: every match of Pattern in a rendered line is
// replaced by Replace ($1 and ${name} expand, as in regexp.ReplaceAllString).
// Rules run after the built-in scrubbers, in order, on C:, S: and T: lines.
type Rule struct {
	Name    string
	Pattern *regexp.Regexp
	Replace string
}

// Options are a site's golden settings (the spec's golden block). The zero
// value renders exactly what Render always rendered.
type Options struct {
	Detail Detail // "" means Full
	Rules  []Rule
}

// apply runs the user rules on one line of text.
func (o Options) apply(s string) string {
	for _, r := range o.Rules {
		s = r.Pattern.ReplaceAllString(s, r.Replace)
	}
	return s
}

// codes reduces a normalised line to what Codes pins. capability says the
// line is an EHLO reply line after the greeting, kept whole because the
// capability list is what the device's behaviour depends on.
func codes(l transcript.Line, capability bool) string {
	if l.Dir != transcript.Server || capability {
		return l.Text
	}
	prefix := replyPrefix(l.Text)
	if prefix == "" {
		// Not a reply (garbage a middlebox injected, say): keep it, it is
		// the evidence of a firewall problem and never noise.
		return l.Text
	}
	out := strings.TrimSuffix(prefix, " ")
	if e := transcript.ParseEnhanced(l.Text[len(prefix):]); e != "" {
		out += " " + e
	}
	return out
}

// isEHLOStage says whether stage's replies list capabilities.
func isEHLOStage(stage transcript.Stage) bool { return stage.Facts().Capabilities }
