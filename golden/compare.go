package golden

import (
	"bytes"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/transcript"
)

// Drift is how this run's golden text differs from the stored one.
type Drift struct {
	// Stages lists the stages whose lines or result changed, in order, so
	// a report can say "ehlo, starttls changed" before showing the diff.
	Stages []transcript.Stage
	// Diff is a unified line diff: "-" the stored golden, "+" this run.
	Diff string
	// Lines is Diff as data, with the changed words of each changed line
	// marked (drift.go), for reports that show them.
	Lines []DiffLine
}

// block is one stage's part of a golden: its lines and its result line.
type block struct {
	Stage transcript.Stage
	Lines []string
}

// parse splits golden text into stage blocks. Lines before the first
// result belong to the first stage; every "# " line (the header, and the
// detail line of a codes golden) belongs to one header block.
func parse(b []byte) []block {
	out := []block{{Stage: transcript.Header}}
	var cur []string
	for _, l := range splitLines(b) {
		switch {
		case strings.HasPrefix(l, "# "):
			out[0].Lines = append(out[0].Lines, l)
		case strings.HasPrefix(l, "= "):
			cur = append(cur, l)
			name, _, _ := strings.Cut(strings.TrimPrefix(l, "= "), " ")
			out = append(out, block{Stage: transcript.Stage(name), Lines: cur})
			cur = nil
		default:
			cur = append(cur, l)
		}
	}
	if cur != nil {
		out = append(out, block{Stage: transcript.Trailer, Lines: cur})
	}
	return out
}

// Compare returns nil when got equals want, otherwise the drift.
func Compare(want, got []byte) *Drift {
	if bytes.Equal(want, got) {
		return nil
	}
	wb, gb := parse(want), parse(got)
	wm := map[transcript.Stage][]string{}
	for _, b := range wb {
		wm[b.Stage] = b.Lines
	}
	d := &Drift{Lines: diffLines(splitLines(want), splitLines(got), 2)}
	pairLines(d.Lines)
	d.Diff = formatDiff(d.Lines)
	seen := map[transcript.Stage]bool{}
	for _, b := range gb {
		seen[b.Stage] = true
		if !cmp.Equal(wm[b.Stage], b.Lines) {
			d.Stages = append(d.Stages, b.Stage)
		}
	}
	for _, b := range wb {
		if !seen[b.Stage] {
			d.Stages = append(d.Stages, b.Stage)
		}
	}
	if len(d.Stages) == 0 { // byte-level difference only (line endings)
		d.Stages = []transcript.Stage{transcript.Whitespace}
	}
	return d
}

func splitLines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
