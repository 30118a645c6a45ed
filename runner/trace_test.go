package runner

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/msgtrace"
	"github.com/smtpspec/smtpspec/msgtrace/graphtest"
	"github.com/smtpspec/smtpspec/oauth/tokenserver"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

const traceSecret = "trace-secret-value-never-shown"

// stepClock advances only when something sleeps.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return ctx.Err()
}

func TestRunSiteTracesTheMessage(t *testing.T) {
	tests := []struct {
		name        string
		status      string // the trace's status; "" = no trace held
		setup       func(g *graphtest.Server)
		dataReply   string
		expect      string // expect "trace" { status = ... }
		wantGolden  string // the golden's trace lines
		wantOutcome transcript.Status
		wantCat     catalog.Category
		wantSummary string
		wantQueries bool
	}{
		{"delivered", "delivered", nil, "", "", "M: alice@contoso.test Delivered\n= trace pass\n", transcript.Pass, catalog.OK,
			"message trace: alice@contoso.test Delivered", true},
		{"quarantined", "quarantined", nil, "", "", "M: alice@contoso.test Quarantined\n= trace fail\n", transcript.Fail,
			catalog.Policy, "quarantined it", true},
		{"quarantine documented by the spec", "quarantined", nil, "", "Quarantined", "M: alice@contoso.test Quarantined\n= trace fail\n",
			transcript.Pass, catalog.Policy, "quarantined it", true},
		{"spam", "filteredAsSpam", nil, "", "Delivered", "M: alice@contoso.test FilteredAsSpam\n= trace fail\n", transcript.Fail,
			catalog.Reputation, "filtered it as spam", true},
		{"not found within the wait", "", nil, "", "", "M: not found\n= trace fail\n", transcript.Fail, catalog.Service,
			"rejected before acceptance", true},
		{"401 before provisioning", "delivered", func(g *graphtest.Server) { g.Unprovisioned = true }, "", "",
			"M: not found\n= trace fail trace\n", transcript.Fail, catalog.Config, msgtrace.ServicePrincipalAppID, true},
		{"message refused at end of data", "delivered", nil,
			"554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message.",
			"", "= trace skip\n", transcript.Skip, catalog.Policy, "SendAsDenied", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pki := newPKI(t, "localhost")
			d := newSMTPD(pki.server())
			if tt.dataReply != "" {
				d.reply["DATA"] = tt.dataReply
			}
			srv := startServer(t, d.serve)
			clock := &stepClock{now: time.Now().UTC()}
			access := tokenserver.Mint(tokenserver.AppOnly(clock.now).With("aud", "https://graph.microsoft.com"))
			tokens := tokenserver.NewServer(tokenserver.App, traceSecret, access)
			graph := graphtest.New(access)
			graph.Now = clock.Now
			t.Cleanup(func() { tokens.Close(); graph.Close() })
			const token = "smtpspec-00000000000000aa"
			if tt.status != "" {
				graph.Add(graphtest.Trace{ID: "t1", Sender: testUser, Recipient: "alice@contoso.test",
					MessageID: "<" + token + ".printer@contoso.test>", Subject: "smtpspec test printer " + token,
					Received: clock.now, Size: 900, Status: tt.status,
					Events: []graphtest.Event{{At: clock.now, Event: "Receive", Description: "Message received by: X"},
						{At: clock.now.Add(time.Second), Event: "Quarantine", Description: "The message was quarantined."}}})
			}
			if tt.setup != nil {
				tt.setup(graph)
			}
			site := testSite(srv.port, func(s *specs.Site) {
				s.Envelope.SendMessage = true
				s.Trace = &specs.Trace{TenantID: tokenserver.Tenant, ClientID: tokenserver.App,
					ClientSecret: specs.NewSecret("TRACE_SECRET", traceSecret), Wait: time.Minute,
					GraphURL: graph.GraphURL(), TokenURL: tokens.TokenURL()}
				s.Expect = map[transcript.Stage]*checks.Expect{}
				if tt.expect != "" {
					s.Expect[transcript.Trace] = &checks.Expect{Stage: transcript.Trace, Status: tt.expect}
				}
			})
			r := RunSite(context.Background(), site, Options{Golden: golden.Store{Dir: t.TempDir()},
				Probe: ProbeOptions{RootCAs: pki.pool, Token: token},
				Trace: TraceOptions{Clock: clock, Limiter: msgtrace.NewLimiter(100, 5*time.Minute)}})
			if g := string(r.Golden); !strings.HasSuffix(g, tt.wantGolden) {
				t.Errorf("golden ends\n%s\nwant it to end\n%s", g, tt.wantGolden)
			}
			last := r.Outcomes[len(r.Outcomes)-1]
			if last.Stage != transcript.Trace || last.Status != tt.wantOutcome {
				t.Errorf("last outcome %+v, want trace %s", last, tt.wantOutcome)
			}
			if r.Verdict.Category != tt.wantCat || !strings.Contains(r.Verdict.Summary()+r.Verdict.Next, tt.wantSummary) {
				t.Errorf("verdict %+v, want %s mentioning %q", r.Verdict, tt.wantCat, tt.wantSummary)
			}
			if got := len(graph.Requests()) > 0; got != tt.wantQueries {
				t.Errorf("Graph requests: %v, want %v", graph.Requests(), tt.wantQueries)
			}
			all := string(r.Golden) + r.Verdict.Summary() + r.Verdict.Next + stages(r.Transcript)[len(r.Transcript.Stages)-1]
			if strings.Contains(all, traceSecret) || strings.Contains(all, access) {
				t.Errorf("the client secret or the Graph token leaked:\n%s", all)
			}
		})
	}
}
