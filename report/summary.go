package report

import (
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/transcript"
)

// statusDocs is what reports show for each status: a few words for
// legends (the demo) and the Markdown summary's icon. Every status in
// runner.Statuses has a row (TestEveryStatusDocumented).
var statusDocs = map[runner.Status]struct{ icon, meaning string }{
	runner.StatusPass:        {"✅", "as the spec expects, and the transcript matched its golden"},
	runner.StatusFail:        {"❌", "a stage failed or an expectation was not met"},
	runner.StatusDrift:       {"⚠️", "as expected, but the transcript differs from its golden"},
	runner.StatusNew:         {"🆕", "no golden yet: review the transcript, then record it"},
	runner.StatusError:       {"💥", "could not be judged (a golden could not be read or written, or not probed)"},
	runner.StatusInterrupted: {"⏹️", "the run was stopped (Ctrl-C, a cancelled CI job) before the site finished"},
}

// Statuses lists every site status in report order with its meaning.
func Statuses() []StatusDoc {
	out := make([]StatusDoc, len(runner.Statuses))
	for i, s := range runner.Statuses {
		out[i] = StatusDoc{s, statusDocs[s].meaning}
	}
	return out
}

// StatusDoc is one status and what it means.
type StatusDoc struct {
	Status  runner.Status
	Meaning string
}

// Counts returns "2 pass, 1 fail" for results, in runner.Statuses order.
func Counts(results []*runner.Result) string {
	counts := map[runner.Status]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	var parts []string
	for _, s := range runner.Statuses {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

// SpecLine is where a CI annotation about r should point: the expect block
// of the first stage that failed when the spec has one, else the site's
// header. file is as the spec was loaded (relative to the working folder
// when the CLI got a relative path).
func SpecLine(r *runner.Result) (file string, line int) {
	for _, o := range r.Outcomes {
		if o.Status != transcript.Fail {
			continue
		}
		if e := r.Site.Expect[o.Stage]; e != nil && e.Pos.File != "" {
			return e.Pos.File, e.Pos.Line
		}
		break
	}
	return r.Site.DeclRange.Filename, r.Site.DeclRange.Start.Line
}

// Problem is the one-paragraph account of why r did not pass, shared by
// the CI-facing reports: what failed, the evidence line and the next
// action; for drift the changed stages. "" for a pass.
func Problem(r *runner.Result) string {
	var b strings.Builder
	switch r.Status {
	case runner.StatusPass:
		return ""
	case runner.StatusDrift:
		fmt.Fprintf(&b, "transcript drifted from its golden (%s changed)", transcript.JoinStages(r.Drift.Stages, ", "))
	case runner.StatusNew:
		b.WriteString("no golden yet for this site")
	case runner.StatusError:
		fmt.Fprintf(&b, "could not be judged: %v", r.Err)
	default:
		b.WriteString(r.Verdict.Line())
	}
	if r.Verdict.Evidence != "" {
		fmt.Fprintf(&b, "\nevidence: %s", r.Verdict.Evidence)
	}
	if r.Verdict.Next != "" && (r.Status == runner.StatusFail || r.Status == runner.StatusInterrupted) {
		fmt.Fprintf(&b, "\nnext: %s", r.Verdict.Next)
	}
	if cmd := AcceptCommand(r); cmd != "" {
		fmt.Fprintf(&b, "\npending golden: %s\naccept with: %s", strings.Join(pendingFiles(r), ", "), cmd)
	}
	return b.String()
}

// stageRow is one stage of a site as the CI reports show it.
type stageRow struct {
	Name     transcript.Stage
	Status   string // pass, fail, skip, expected
	Reason   string
	Evidence string
	StartMS  float64 // offset from the first stage, for the waterfall
	MS       float64
}

// stageRows lists r's stages with their start offsets: stages run one
// after another, so each starts when the previous one ended.
func stageRows(r *runner.Result) []stageRow {
	var rows []stageRow
	var at float64
	for _, o := range r.Outcomes {
		st := r.Transcript.Stage(o.Stage)
		ms := float64(st.Duration.Microseconds()) / 1000
		rows = append(rows, stageRow{
			Name: o.Stage, Status: StageStatus(o, st), Reason: o.Reason,
			Evidence: st.Evidence(), StartMS: at, MS: ms,
		})
		at += ms
	}
	return rows
}
