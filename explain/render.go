package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/transcript"
)

// JSONResult is what `smtpspec explain --format json` prints.
type JSONResult struct {
	Format   string      `json:"format"`
	Verdict  JSONVerdict `json:"verdict"`
	Stages   []JSONStage `json:"stages"`
	NotShown []string    `json:"not_shown"`
	// SetAside is the evidence that did not decide, and why.
	SetAside []SetAside `json:"set_aside"`
	// EvidenceFound is false for a text without SMTP evidence: Verdict
	// then has category and stage "unknown" and Capture says what to
	// capture (the command exits 2).
	EvidenceFound bool     `json:"evidence_found"`
	Capture       []string `json:"capture,omitempty"`
}

// JSONVerdict is the run report's verdict object (category, stage, code,
// enhanced, summary, step, next) and how explain knows it. stage is
// always present: "unknown" when the capture does not show it, with
// stage_basis "unknown"; stage_basis is "seen" when the capture shows the
// command or names it (stage_from quotes the words) and "inferred" when
// it comes from the reply catalog or the kind of error. method is ""
// when unknown.
type JSONVerdict struct {
	diagnosis.VerdictJSON
	StageBasis  Basis  `json:"stage_basis"`
	StageFrom   string `json:"stage_from,omitempty"`
	Method      string `json:"method"`
	MethodBasis Basis  `json:"method_basis"`
	MethodFrom  string `json:"method_from,omitempty"`
	Evidence    string `json:"evidence"`
	// LearnMore is the Microsoft documentation for the finding.
	LearnMore string `json:"learn_more,omitempty"`
}

// JSONStage is one reconstructed stage: pass, fail, skip (not shown), or
// implied (not shown, but a later stage proves it passed).
type JSONStage struct {
	Name     transcript.Stage `json:"name"`
	Status   string           `json:"status"`
	Evidence string           `json:"evidence,omitempty"`
}

// JSON builds the JSON document of res.
func (res *Result) JSON() JSONResult {
	v := res.Verdict
	v.Findings = nil // a site's credential findings; explain has none
	out := JSONResult{Format: res.Format, Stages: []JSONStage{}, NotShown: res.NotShown, SetAside: res.SetAside,
		EvidenceFound: res.Verdict.Category != NoEvidence, Capture: res.Capture,
		Verdict: JSONVerdict{VerdictJSON: v.JSON(), StageBasis: res.Basis.Basis, StageFrom: res.Basis.From,
			Method: string(res.Method.Method), MethodBasis: res.Method.Basis, MethodFrom: res.Method.From,
			Evidence: res.Verdict.Evidence, LearnMore: res.Verdict.Learn}}
	if out.Verdict.StageBasis == "" {
		out.Verdict.StageBasis = Unknown
	}
	if out.Verdict.MethodBasis == "" {
		out.Verdict.MethodBasis = Unknown
	}
	if out.NotShown == nil {
		out.NotShown = []string{}
	}
	if out.SetAside == nil {
		out.SetAside = []SetAside{}
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
	if v.Learn != "" {
		fmt.Fprintf(&b, "learn more: %s\n", v.Learn)
	}
	if v.Category != catalog.OK {
		fmt.Fprintf(&b, "stage:    %s (%s%s)\n", orUnknown(v.Stage), basisOr(res.Basis.Basis), from(res.Basis.From))
	}
	if res.Method.Basis != "" && res.Method.Basis != Unknown {
		fmt.Fprintf(&b, "method:   %s (%s%s)\n", res.Method.Method, res.Method.Basis, from(res.Method.From))
	}
	for _, c := range res.Capture {
		fmt.Fprintf(&b, "capture:  %s\n", c)
	}
	if len(res.SetAside) > 0 {
		b.WriteString("set aside:\n")
		for _, a := range res.SetAside {
			fmt.Fprintf(&b, "  - %q: %s\n", a.Line, a.Why)
		}
	}
	if res.Format != "reply" && res.Format != "none" {
		var parts []string
		for _, s := range res.JSON().Stages {
			parts = append(parts, string(s.Name)+" "+s.Status)
		}
		fmt.Fprintf(&b, "stages:   %s\n", strings.Join(parts, ", "))
	}
	if len(res.NotShown) > 0 {
		b.WriteString("not shown:\n")
		for _, n := range res.NotShown {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	if res.Format != "reply" && res.Format != "none" {
		b.WriteString("transcript (normalised):\n")
		for _, l := range strings.Split(strings.TrimSuffix(string(golden.Render(res.Transcript)), "\n"), "\n")[1:] {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orUnknown(s transcript.Stage) transcript.Stage {
	if s == "" {
		return transcript.Unstaged
	}
	return s
}

func basisOr(b Basis) Basis {
	if b == "" {
		return Unknown
	}
	return b
}

func from(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}
