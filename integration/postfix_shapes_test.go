//go:build linux

package integration

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/internal/mta"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/specs"
)

// exoPolicy is a Postfix policy server (SMTPD_POLICY_README) that makes
// a real Postfix refuse the way Exchange Online does, with the volatile
// parts made up per request: RCPT TO blocked@ gets the 5.7.606 ban with
// a [host timestamp token] triple; at the end of DATA, a sender sendas@
// gets the inline STOREDRV refusal and sendas252@ the 5.2.252 one with
// [BeginDiagnosticData]. Every other message Postfix queues itself
// ("250 2.0.0 Ok: queued as <its queue id>"). code and enhanced, when
// set, replace the refusals' (a real change).
type exoPolicy struct {
	ln             net.Listener
	mu             sync.Mutex
	code, enhanced string
}

func startExoPolicy(t *testing.T) *exoPolicy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &exoPolicy{ln: ln}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); p.serve(c) }()
		}
	}()
	return p
}

func (p *exoPolicy) change(code, enhanced string) {
	p.mu.Lock()
	p.code, p.enhanced = code, enhanced
	p.mu.Unlock()
}

// serve answers the requests of one connection (Postfix keeps it open),
// each a block of name=value lines ending with an empty line.
func (p *exoPolicy) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	attrs := map[string]string{}
	for range 10_000 {
		c.SetDeadline(time.Now().Add(30 * time.Second))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\n")
		if line != "" {
			k, v, _ := strings.Cut(line, "=")
			attrs[k] = v
			continue
		}
		fmt.Fprintf(c, "action=%s\n\n", p.action(attrs))
		attrs = map[string]string{}
	}
}

// action is the answer to one request.
func (p *exoPolicy) action(a map[string]string) string {
	p.mu.Lock()
	code, enhanced := p.code, p.enhanced
	p.mu.Unlock()
	with := func(c, e string) string {
		if code != "" {
			c = code
		}
		if enhanced != "" {
			e = enhanced
		}
		return c + " " + e
	}
	switch {
	case a["protocol_state"] == "RCPT" && strings.HasPrefix(a["recipient"], "blocked@"):
		return with("550", "5.7.606") + " Access denied, banned sending IP [" + a["client_address"] + "]. To request removal from this list please visit https://sender.office.com/ and follow the directions. (AS16012609) [" +
			strings.ToUpper(frontEnd()) + ".eop-nam11.prod.protection.outlook.com " + isoNow() + " " + token() + "]"
	case a["protocol_state"] == "END-OF-MESSAGE" && strings.HasPrefix(a["sender"], "sendas@"):
		return with("554", "5.2.0") + " STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message. " + counters()
	case a["protocol_state"] == "END-OF-MESSAGE" && strings.HasPrefix(a["sender"], "sendas252@"):
		return with("554", "5.2.252") + " SendAsDenied; scanner@contoso.test not allowed to send as " + a["sender"] + "; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message. " + counters() + "[EndDiagnosticData]"
	}
	return "DUNNO"
}

// startPolicyPostfix starts a Postfix (STARTTLS, contoso.test accepted)
// that asks the policy server at RCPT TO and at the end of DATA.
func startPolicyPostfix(t *testing.T, policy *exoPolicy) (*mta.Postfix, *mta.Certs) {
	t.Helper()
	mta.Need(t)
	dir := mta.TempDir(t, "smtpspec-mta-shapes-")
	certs, err := mta.NewCerts(dir, hostname, "localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	pf := mta.StartPostfix(t, filepath.Join(dir, "postfix"), mta.PostfixConfig{
		Hostname: hostname,
		Banner:   "Microsoft ESMTP MAIL Service ready",
		Certs:    certs,
		Domains:  []string{"contoso.test"},
		Policy:   "inet:" + policy.ln.Addr().String(),
	})
	return pf, certs
}

// directSendSite is a Direct Send site to the Postfix that sends a message.
func directSendSite(t *testing.T, pf *mta.Postfix, caFile, name, from, to string) *specs.Site {
	t.Helper()
	host, port := splitAddr(t, pf.Addr)
	src := fmt.Sprintf("site %q {\n  method = \"direct_send\"\n  endpoint {\n    host = %q\n    port = %s\n    server_name = %q\n    ca_file = %q\n  }\n"+
		"  envelope {\n    from = %q\n    to = [%q]\n    send_message = true\n  }\n  timeouts {\n    connect = \"5s\"\n    command = \"10s\"\n    total = \"30s\"\n  }\n}\n",
		name, host, port, hostname, caFile, from, to)
	path := filepath.Join(t.TempDir(), name+".hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return loadOne(t, path)
}

// TestPostfixExchangeShapedReplies runs sites five times against a real
// Postfix whose refusals a policy server words as Exchange Online does,
// varying their counters, hosts, timestamps and tokens per request, and
// whose own queued replies carry a new queue id per message: every rerun
// matches the first run's golden. Then a real change (another reply code,
// another enhanced code, another recipient) drifts, and the changed-line
// summary shows it.
func TestPostfixExchangeShapedReplies(t *testing.T) {
	policy := startExoPolicy(t)
	pf, certs := startPolicyPostfix(t, policy)
	hits := &scrubberHits{n: map[string]int{}}
	cases := []struct{ name, from, to string }{
		{"queued", "scanner@contoso.test", "frontdesk@contoso.test"},
		{"sendas-inline", "sendas@contoso.test", "frontdesk@contoso.test"},
		{"sendas-252", "sendas252@contoso.test", "frontdesk@contoso.test"},
		{"banned-rcpt", "scanner@contoso.test", "blocked@contoso.test"},
	}
	goldens := map[string]golden.Store{}
	for _, tc := range cases {
		site := directSendSite(t, pf, certs.CAFile, tc.name, tc.from, tc.to)
		store := golden.Store{Dir: t.TempDir()}
		goldens[tc.name] = store
		first := runner.RunSite(context.Background(), site, runner.Options{Golden: store, Update: true})
		hits.add(first)
		for i := range 4 {
			r := runner.RunSite(context.Background(), site, runner.Options{Golden: store})
			hits.add(r)
			if r.Drift != nil {
				t.Fatalf("%s: run %d drifted:\n%s\npostfix log:\n%s", tc.name, i+2, r.Drift.Diff, tail(pf.Log()))
			}
			if last(r) == last(first) {
				t.Errorf("%s: the end of DATA did not change between messages: %q", tc.name, last(r))
			}
		}
		t.Logf("%s: %s", tc.name, last(first))
	}
	if hits.n["postfix-queue-id"] == 0 || hits.n["store-diagnostics"] == 0 || hits.n["triple-host"]+hits.n["outlook-host"] == 0 {
		t.Errorf("Postfix's replies did not meet the scrubbers they should: %v", hits.n)
	}

	policy.change("550", "")
	r := runner.RunSite(context.Background(), directSendSite(t, pf, certs.CAFile, "sendas-inline", "sendas@contoso.test", "frontdesk@contoso.test"),
		runner.Options{Golden: goldens["sendas-inline"]})
	wantChange(t, r, "[-554-]{+550+}")
	policy.change("", "5.2.253")
	r = runner.RunSite(context.Background(), directSendSite(t, pf, certs.CAFile, "sendas-252", "sendas252@contoso.test", "frontdesk@contoso.test"),
		runner.Options{Golden: goldens["sendas-252"]})
	wantChange(t, r, "[-5.2.252-]{+5.2.253+}")
	policy.change("", "")
	r = runner.RunSite(context.Background(), directSendSite(t, pf, certs.CAFile, "queued", "scanner@contoso.test", "shipping@contoso.test"),
		runner.Options{Golden: goldens["queued"]})
	wantChange(t, r, "{+TO:<shipping@contoso.test>+}")
}

// wantChange fails unless r drifted and a changed line's word diff holds want.
func wantChange(t *testing.T, r *runner.Result, want string) {
	t.Helper()
	if r.Drift == nil {
		t.Fatalf("%s: no drift; golden:\n%s", r.Site.Name, r.Golden)
	}
	var words []string
	for _, c := range r.Drift.Changes() {
		words = append(words, c.WordDiff(24))
	}
	if !strings.Contains(strings.Join(words, "\n"), want) {
		t.Errorf("%s: changed lines do not show %q:\n%s\n%s", r.Site.Name, want, strings.Join(words, "\n"), r.Drift.Diff)
	}
}

// last is the last reply line before QUIT's: the end of DATA, or RCPT's
// refusal.
func last(r *runner.Result) string {
	var out string
	for _, l := range r.Transcript.Lines {
		if l.Stage == "data" || l.Stage == "rcpt" {
			out = l.Text
		}
	}
	return out
}
