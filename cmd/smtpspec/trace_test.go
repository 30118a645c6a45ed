package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/msgtrace/graphtest"
	"github.com/smtpspec/smtpspec/oauth/tokenserver"
)

const traceSecretValue = "graph-secret-value-never-shown"

// traceBlock is a trace block for the look-alikes.
func traceBlock(graph *graphtest.Server, tokens *tokenserver.Server, wait string) string {
	return `  trace {
    tenant_id     = "` + tokenserver.Tenant + `"
    client_id     = "` + tokenserver.App + `"
    client_secret = env("GRAPH_SECRET")
    wait          = "` + wait + `"
    graph_url     = "` + graph.GraphURL() + `"
    token_url     = "` + tokens.TokenURL() + `"
  }
`
}

func lookAlikes(t *testing.T, status string) (*graphtest.Server, *tokenserver.Server) {
	t.Helper()
	access := tokenserver.Mint(tokenserver.AppOnly(time.Now()).With("aud", "https://graph.microsoft.com"))
	tokens := tokenserver.NewServer(tokenserver.App, traceSecretValue, access)
	graph := graphtest.New(access)
	first := true // only the run's token, the first one asked for, is in trace
	graph.OnToken = func(tok string) []graphtest.Trace {
		if !first || status == "" {
			return nil
		}
		first = false
		now := time.Now().Add(-time.Second)
		return []graphtest.Trace{{ID: "id-" + tok, Sender: "scanner@contoso.com", Recipient: "frontdesk@contoso.com",
			MessageID: "<" + tok + "@contoso.com>", Subject: "smtpspec test x " + tok, Received: now, Size: 1200, Status: status,
			Events: []graphtest.Event{{At: now, Event: "Receive", Description: "Message received by: AM0PR00MB0001.eurprd00.prod.outlook.com"},
				{At: now, Event: "Deliver", Description: "The message was successfully delivered."}}}}
	}
	t.Cleanup(func() { tokens.Close(); graph.Close() })
	return graph, tokens
}

func TestRunTracesAndTraceLooksUp(t *testing.T) {
	addr, ca := startScenario(t, "submission-ok")
	graph, tokens := lookAlikes(t, "delivered")
	dir := t.TempDir()
	body := loginAuth + `  envelope {
    from         = "scanner@contoso.com"
    to           = ["frontdesk@contoso.com"]
    send_message = true
    message_size = "2MB"
  }
` + traceBlock(graph, tokens, "1m")
	spec := writeSpec(t, dir, "traced", "submission", addr, ca, "starttls", body)
	getenv := func(k string) string {
		return map[string]string{"GRAPH_SECRET": traceSecretValue, "SCANNER_PASSWORD": "pw", "SMTP_PASSWORD": "pw"}[k]
	}
	gdir := filepath.Join(dir, "golden")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"run", "--update", "--golden", gdir, "--format", "json", spec}, getenv, nil, &out, &errb)
	if code != exitOK {
		t.Fatalf("run exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
	var rep struct {
		Sites []struct {
			Stages []struct{ Name, Status string }
			Trace  struct {
				Token, Status string
				Records       []struct{ Events []struct{ Event string } }
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	s := rep.Sites[0]
	if last := s.Stages[len(s.Stages)-1]; last.Name != "trace" || last.Status != "pass" || s.Trace.Status != "Delivered" ||
		len(s.Trace.Records) != 1 || len(s.Trace.Records[0].Events) != 2 {
		t.Errorf("report: stages %+v, trace %+v", s.Stages, s.Trace)
	}
	g, err := os.ReadFile(filepath.Join(gdir, "traced.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SIZE=2097152", "<message 2097152 bytes", "M: frontdesk@contoso.com Delivered\n= trace pass\n"} {
		if !strings.Contains(string(g), want) {
			t.Errorf("golden lacks %q:\n%s", want, g)
		}
	}
	if strings.Contains(string(g), "id-smtpspec") || strings.Contains(string(g), "prod.outlook.com") {
		t.Errorf("golden holds trace ids or hosts:\n%s", g)
	}

	// Later: smtpspec trace with the run's token.
	out.Reset()
	errb.Reset()
	code = run(context.Background(), []string{"trace", "--site", "traced", "--token", s.Trace.Token, spec}, getenv, nil, &out, &errb)
	if code != exitOK || !strings.Contains(out.String(), "frontdesk@contoso.com Delivered") || !strings.Contains(out.String(), "Deliver") {
		t.Errorf("trace exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
	// A token trace does not hold.
	out.Reset()
	code = run(context.Background(), []string{"trace", "--site", "traced", "--token", "smtpspec-ffffffffffffffff", "--format", "json", spec},
		getenv, nil, &out, &errb)
	if code != exitFail || !strings.Contains(out.String(), `"found": false`) {
		t.Errorf("unknown token: exit %d, %s", code, out.String())
	}
	all := out.String() + errb.String() + string(g)
	if strings.Contains(all, traceSecretValue) {
		t.Error("the Graph client secret leaked")
	}
}

func TestTraceCommandErrors(t *testing.T) {
	graph, tokens := lookAlikes(t, "delivered")
	graph.Set(func(s *graphtest.Server) { s.Unprovisioned = true })
	dir := t.TempDir()
	addr, ca := startScenario(t, "directsend-ok") // nothing is probed: trace only reads the spec
	spec := writeSpec(t, dir, "traced", "direct_send", addr, ca, "starttls", `  envelope {
    from         = "scanner@contoso.com"
    to           = ["frontdesk@contoso.com"]
    send_message = true
  }
`+traceBlock(graph, tokens, "0s"))
	getenv := func(k string) string { return map[string]string{"GRAPH_SECRET": traceSecretValue}[k] }
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"trace", "--site", "traced", "--token", "smtpspec-0123456789abcdef", spec}, exitFail, "8bd644d1-64a1-4d4b-ae52-2e0cbf64e373"},
		{[]string{"trace", "--site", "traced", spec}, exitUsage, "needs --site NAME and --token TOKEN"},
		{[]string{"trace", "--site", "traced", "--token", "abc", spec}, exitUsage, "not a run token"},
		{[]string{"trace", "--site", "nope", "--token", "smtpspec-0123456789abcdef", spec}, exitUsage, `no site named "nope"`},
		{[]string{"trace", "--site", "traced", "--token", "smtpspec-0123456789abcdef", "--since", "2400h", spec}, exitUsage, "--since"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(context.Background(), tt.args, getenv, nil, &out, &errb)
		if code != tt.code || !strings.Contains(out.String()+errb.String(), tt.want) {
			t.Errorf("%v: exit %d, want %d with %q\nstdout %s\nstderr %s", tt.args, code, tt.code, tt.want, out.String(), errb.String())
		}
		if strings.Contains(out.String()+errb.String(), traceSecretValue) {
			t.Errorf("%v: the secret leaked", tt.args)
		}
	}
}
