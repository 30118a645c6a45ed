package diagnosis

import (
	"encoding/json"
	"testing"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/transcript"
)

// The parts of a verdict make its sentences in one place: the JSON
// summary ends with the %q-quoted evidence after the notes, the line for
// people has no evidence, and the JSON keys keep DESIGN.md's order.
func TestVerdictSentences(t *testing.T) {
	v := Verdict{Category: catalog.Reputation, Stage: transcript.Rcpt, Code: 550, Enhanced: "5.7.606", Step: 7,
		Finding: "the server refused the site's IP", Notes: []string{"connection is not acceptance", "a firewall also inspects this session (see banner)"},
		Evidence: `550 5.7.606 Access denied, banned sending IP [203.0.113.7] "quoted"`, Next: "delist"}
	wantSummary := `the server refused the site's IP; connection is not acceptance; a firewall also inspects this session (see banner): "550 5.7.606 Access denied, banned sending IP [203.0.113.7] \"quoted\""`
	if got := v.Summary(); got != wantSummary {
		t.Errorf("Summary() = %s\nwant        %s", got, wantSummary)
	}
	if got, want := v.Line(), "reputation at rcpt (step 7): the server refused the site's IP; connection is not acceptance; a firewall also inspects this session (see banner)"; got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
	b, err := json.Marshal(v.JSON())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"category":"reputation","stage":"rcpt","code":550,"enhanced":"5.7.606","summary":` + mustJSON(wantSummary) + `,"step":7,"next":"delist"}`
	if string(b) != want {
		t.Errorf("JSON %s\nwant %s", b, want)
	}
	if got := (Verdict{Finding: "interrupted during ehlo"}).Line(); got != "interrupted during ehlo" {
		t.Errorf("an undiagnosed verdict's line is its text, got %q", got)
	}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
