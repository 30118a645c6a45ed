package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/transcript"
)

// JSONResult is what `smtpspec explain --format json` prints. Verdict is
// the same object as in the run JSON report.
type JSONResult struct {
	Format   string         `json:"format"`
	Verdict  checks.Verdict `json:"verdict"`
	Stages   []JSONStage    `json:"stages"`
	NotShown []string       `json:"not_shown"`
}

// JSONStage is one reconstructed stage: pass, fail, skip (not shown), or
// implied (not shown, but a later stage proves it passed).
type JSONStage struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Evidence string `json:"evidence,omitempty"`
}

// JSON builds the JSON document of res.
func (res *Result) JSON() JSONResult {
	out := JSONResult{Format: res.Format, Verdict: res.Verdict, Stages: []JSONStage{}, NotShown: res.NotShown}
	if out.NotShown == nil {
		out.NotShown = []string{}
	}
	for _, s := range res.Transcript.Stages {
		out.Stages = append(out.Stages, JSONStage{Name: s.Stage, Status: stageStatus(res, s), Evidence: s.Evidence()})
	}
	return out
}

func stageStatus(res *Result, s transcript.StageResult) string {
	for _, i := range res.Implied {
		if i == s.Stage {
			return "implied"
		}
	}
	return string(s.Status)
}

// WriteJSON writes res as indented JSON.
func WriteJSON(w io.Writer, res *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(res.JSON())
}

// WriteText writes res for a person: the verdict, its evidence, the next
// step and its source, the stages, what the capture does not show, and
// the reconstructed transcript (normalised like a golden).
func WriteText(w io.Writer, res *Result) error {
	v := res.Verdict
	var b strings.Builder
	fmt.Fprintf(&b, "format:   %s\n", res.Format)
	fmt.Fprintf(&b, "verdict:  %s\n", v.Line())
	if v.Evidence != "" {
		fmt.Fprintf(&b, "evidence: %s\n", v.Evidence)
	}
	if v.Next != "" {
		fmt.Fprintf(&b, "next:     %s\n", v.Next)
	}
	if v.Source != "" {
		fmt.Fprintf(&b, "source:   %s\n", v.Source)
	}
	if res.Format != "reply" {
		var parts []string
		for _, s := range res.JSON().Stages {
			parts = append(parts, s.Name+" "+s.Status)
		}
		fmt.Fprintf(&b, "stages:   %s\n", strings.Join(parts, ", "))
	}
	if len(res.NotShown) > 0 {
		b.WriteString("not shown:\n")
		for _, n := range res.NotShown {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	if res.Format != "reply" {
		b.WriteString("transcript (normalised):\n")
		for _, l := range strings.Split(strings.TrimSuffix(string(golden.Render(res.Transcript)), "\n"), "\n")[1:] {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
