package report

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sebdah/goldie/v2"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// result builds a runner.Result the way RunSite does, from a transcript
// that fails (or not) at the last stage given.
func result(name string, method transcript.Method, status runner.Status, stages []transcript.StageResult, lines []transcript.Line, expect map[transcript.Stage]*checks.Expect) *runner.Result {
	site := &specs.Site{Name: name, Method: method, Endpoint: specs.Endpoint{Host: "smtp.office365.com", Port: 587, TLS: transcript.StartTLS}, Expect: expect}
	t := &transcript.Transcript{Site: name, Method: method, Lines: lines, Stages: stages,
		Capabilities: []string{"SIZE 157286400", "PIPELINING", "STARTTLS"}}
	seq := make([]transcript.Stage, len(stages))
	for i, s := range stages {
		seq[i] = s.Stage
	}
	r := &runner.Result{Site: site, Transcript: t, Status: status, GoldenPath: "golden/" + name + ".golden"}
	r.Outcomes = checks.Evaluate(t, seq, expect, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	r.Verdict = diagnosis.Diagnose(t, diagnosis.Input{Plan: site.Plan(), Host: "smtp.office365.com", Port: 587})
	r.Golden = golden.Render(t)
	return r
}

func pass(stage transcript.Stage, code int, enh string) transcript.StageResult {
	st := transcript.StageResult{Stage: stage, Status: transcript.Pass, Duration: 12 * time.Millisecond}
	if code != 0 {
		st.Reply = &transcript.Reply{Code: code, Enhanced: enh}
	}
	if stage == "banner" {
		st.Reply.Lines = []string{"BY1PR10CA0041.outlook.office365.com Microsoft ESMTP MAIL Service ready"}
	}
	return st
}

func sampleResults() []*runner.Result {
	s, c := transcript.Server, transcript.Client
	ok := result("hq-ok", transcript.Submission, runner.StatusPass, []transcript.StageResult{
		pass("resolve", 0, ""), pass("connect", 0, ""), pass("banner", 220, ""), pass("ehlo", 250, ""),
		pass("mail", 250, "2.1.0"), pass("rcpt", 250, "2.1.5"), pass("quit", 221, "2.0.0"),
	}, []transcript.Line{
		{Dir: s, Stage: "banner", Text: "220 BY1PR10CA0041.outlook.office365.com Microsoft ESMTP MAIL Service ready"},
		{Dir: c, Stage: "rcpt", Text: "RCPT TO:<a@contoso.com>"},
		{Dir: s, Stage: "rcpt", Text: "250 2.1.5 Recipient OK"},
	}, nil)
	authLine := "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information."
	authFail := transcript.StageResult{Stage: "auth", Status: transcript.Fail, Duration: 40 * time.Millisecond,
		Reply: &transcript.Reply{Code: 535, Enhanced: "5.7.139", Lines: []string{strings.TrimPrefix(authLine, "535 ")}}}
	bad := result("branch-auth", transcript.Submission, runner.StatusFail, []transcript.StageResult{
		pass("resolve", 0, ""), pass("connect", 0, ""), pass("banner", 220, ""), pass("ehlo", 250, ""),
		authFail, {Stage: "mail", Status: transcript.Skip}, {Stage: "rcpt", Status: transcript.Skip}, pass("quit", 221, "2.0.0"),
	}, []transcript.Line{{Dir: c, Stage: "auth", Text: "AUTH LOGIN"}, {Dir: s, Stage: "auth", Text: authLine}}, nil)
	expected := result("branch-banned", transcript.DirectSend, runner.StatusDrift, []transcript.StageResult{
		pass("resolve", 0, ""), pass("connect", 0, ""), pass("banner", 220, ""), pass("ehlo", 250, ""), pass("mail", 250, "2.1.0"),
		{Stage: "rcpt", Status: transcript.Fail, Reply: &transcript.Reply{Code: 550, Enhanced: "5.7.606", Lines: []string{"5.7.606 Access denied, banned sending IP [203.0.113.7]."}}},
		pass("quit", 221, "2.0.0"),
	}, nil, map[transcript.Stage]*checks.Expect{"rcpt": {Stage: "rcpt", Code: 550}})
	expected.Drift = golden.Compare([]byte("# h\n= rcpt pass 250 2.1.5\n"), []byte("# h\n= rcpt fail 550 5.7.606\n"))
	fresh := result("new-site", transcript.Relay, runner.StatusNew, []transcript.StageResult{
		pass("resolve", 0, ""), pass("connect", 0, ""), pass("banner", 220, ""), pass("quit", 221, ""),
	}, nil, nil)
	return []*runner.Result{ok, bad, expected, fresh}
}

// TestJSONShape pins the JSON report's keys exactly as DESIGN.md gives
// them: consumers parse these names.
func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleResults()); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(m any) []string {
		var ks []string
		for k := range m.(map[string]any) {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	if d := cmp.Diff([]string{"sites"}, keys(doc)); d != "" {
		t.Errorf("top-level keys (-want +got):\n%s", d)
	}
	sites := doc["sites"].([]any)
	site := sites[1]
	if d := cmp.Diff([]string{"drift", "egress_ip", "method", "name", "stages", "status", "verdict"}, keys(site)); d != "" {
		t.Errorf("site keys (-want +got):\n%s", d)
	}
	v := site.(map[string]any)["verdict"]
	if d := cmp.Diff([]string{"category", "code", "enhanced", "next", "stage", "step", "summary"}, keys(v)); d != "" {
		t.Errorf("verdict keys (-want +got):\n%s", d)
	}
	st := site.(map[string]any)["stages"].([]any)[0]
	if d := cmp.Diff([]string{"duration_ms", "name", "status"}, keys(st)); d != "" {
		t.Errorf("stage keys (-want +got):\n%s", d)
	}
	want := map[string]string{"hq-ok": "pass", "branch-auth": "fail", "branch-banned": "drift", "new-site": "new"}
	for _, s := range sites {
		m := s.(map[string]any)
		if m["status"] != want[m["name"].(string)] {
			t.Errorf("site %v status %v", m["name"], m["status"])
		}
	}
	rep := NewJSON(sampleResults())
	if rep.Run != nil {
		t.Errorf("run = %+v from a writer given no run", rep.Run)
	}
	if got := rep.Sites[1].Verdict; got.Category != "auth" || got.Code != 535 || got.Enhanced != "5.7.139" || got.Stage != "auth" ||
		!strings.Contains(got.Summary, "SmtpClientAuthentication is disabled") {
		t.Errorf("auth verdict = %+v", got)
	}
	if got := rep.Sites[2].Stages[5]; got.Name != "rcpt" || got.Status != "expected" {
		t.Errorf("an expected failure reads %+v, want status expected", got)
	}
	if rep.Sites[2].Drift == "" || rep.Sites[0].Drift != "" {
		t.Error("drift must carry the diff only when there is one")
	}
}

// TestJSONRunMetadata pins the run object and the per-site egress IP,
// and that an interrupted site's verdict claims no diagnosis.
func TestJSONRunMetadata(t *testing.T) {
	var buf bytes.Buffer
	run := testRun
	run.Interrupted = "SIGTERM"
	if err := (JSON{Run: run}).Write(&buf, ciResults()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Run   map[string]any   `json:"run"`
		Sites []map[string]any `json:"sites"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"started": "2026-11-28T09:30:00Z", "host": "runner-1", "interrupted": "SIGTERM",
		"smtpspec": map[string]any{"version": "v1.4.0", "commit": "0123456789ab", "go": "go1.26.0"}}
	if d := cmp.Diff(want, doc.Run); d != "" {
		t.Errorf("run (-want +got):\n%s", d)
	}
	if ip := doc.Sites[0]["egress_ip"]; ip != "203.0.113.7" {
		t.Errorf("egress_ip = %v, want the address the EHLO reply names", ip)
	}
	if ip, ok := doc.Sites[1]["egress_ip"]; !ok || ip != "" {
		t.Errorf("egress_ip = %v (present %v), want \"\" when the server did not say", ip, ok)
	}
	stopped := doc.Sites[len(doc.Sites)-1]
	v := stopped["verdict"].(map[string]any)
	if stopped["status"] != "interrupted" || v["category"] != "" || v["code"] != 0.0 || v["step"] != 0.0 ||
		v["summary"] != "interrupted during ehlo (SIGTERM): not judged" {
		t.Errorf("interrupted site = %v", stopped)
	}
	f := doc.Sites[0]["verdict"].(map[string]any)["findings"].([]any)[0].(map[string]any)
	if f["id"] != "basic-auth-retirement" || f["severity"] != "warning" || f["fix"] == "" {
		t.Errorf("finding = %v", f)
	}
}

func TestHumanReport(t *testing.T) {
	var buf bytes.Buffer
	if err := (Human{}).Write(&buf, sampleResults()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b[") {
		t.Error("colour written when Color is false")
	}
	goldie.New(t).Assert(t, "human", buf.Bytes())

	// The CI sample has a passing site with a finding and an interrupted
	// one: labels stay aligned, the interrupted stage is named.
	buf.Reset()
	if err := (Human{}).Write(&buf, ciResults()); err != nil {
		t.Fatal(err)
	}
	goldie.New(t).Assert(t, "human-ci", buf.Bytes())

	buf.Reset()
	(Human{Color: true, Verbose: true}).Write(&buf, sampleResults()[:2])
	out := buf.String()
	for _, want := range []string{"\x1b[32mPASS", "# smtpspec transcript", "AUTH LOGIN"} {
		if !strings.Contains(out, want) {
			t.Errorf("coloured verbose report lacks %q", want)
		}
	}
}

// TestChecklistTraceStep: with a trace block, step 6 is answered by
// message trace itself, naming each recipient's status.
func TestChecklistTraceStep(t *testing.T) {
	r := result("traced", transcript.Submission, runner.StatusPass, []transcript.StageResult{
		pass("resolve", 0, ""), pass("connect", 0, ""), pass("banner", 220, ""), pass("ehlo", 250, ""),
		pass("mail", 250, "2.1.0"), pass("rcpt", 250, "2.1.5"), pass("data", 250, "2.6.0"),
		{Stage: "trace", Status: transcript.Pass}, pass("quit", 221, "2.0.0"),
	}, nil, nil)
	r.Site.Envelope.SendMessage = true
	r.Transcript.Trace = &transcript.TraceInfo{Records: []transcript.TraceRecord{{Recipient: "a@contoso.com", Status: "Delivered"}}}
	step := Checklist(r)[5]
	if step.Step != 6 || step.Status != StepPassed || !strings.Contains(step.Finding, "a@contoso.com Delivered") {
		t.Errorf("step 6 = %+v", step)
	}
	r.Transcript.Stages[7] = transcript.StageResult{Stage: "trace", Status: transcript.Fail,
		Err: &transcript.Error{Kind: transcript.KindTrace, Text: "not found in message trace within 5m"}}
	if step := Checklist(r)[5]; step.Status != StepFailed || !strings.Contains(step.Finding, "not found") {
		t.Errorf("step 6 after a missed trace = %+v", step)
	}
}
