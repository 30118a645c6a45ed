package runner

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/authguard"
	"github.com/smtpspec/smtpspec/dnsq/dnsserver"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/oauth/tokenserver"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/sim/simtest"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// errSignal stands for the CLI's cause (a signal): the runner only passes
// it on.
var errSignal = errors.New("SIGTERM")

// long are deadlines no interrupted probe may reach: a test that ends
// well before them was ended by the cancellation.
var long = specs.Timeouts{Connect: 30 * time.Second, Command: 30 * time.Second, Total: time.Minute}

// interruptBound is how long after the cancellation RunSite may take on a
// loaded CI machine; the work itself is microseconds (close a socket).
const interruptBound = 5 * time.Second

// interruptCase is a server that stalls in one stage. setup returns the
// site and a channel closed once the probe is blocked in that stage; the
// test cancels the run then.
type interruptCase struct {
	stage transcript.Stage
	setup func(t *testing.T, opts *Options) (*specs.Site, <-chan struct{})
}

// scripted is the scripted server stalling at verb.
func scripted(verb string, mod func(*specs.Site)) func(t *testing.T, opts *Options) (*specs.Site, <-chan struct{}) {
	return func(t *testing.T, opts *Options) (*specs.Site, <-chan struct{}) {
		pki := newPKI(t, "localhost")
		d := newSMTPD(pki.server())
		d.stallOn, d.stalled = verb, make(chan struct{})
		srv := startServer(t, d.serve)
		opts.Probe.RootCAs = pki.pool
		return testSite(srv.port, func(s *specs.Site) {
			s.Timeouts = long
			if mod != nil {
				mod(s)
			}
		}), d.stalled
	}
}

// entering closes the returned channel 100 ms after the probe enters
// stage: for peers that cannot tell when the probe waits on them.
func entering(opts *Options, stage transcript.Stage) <-chan struct{} {
	ch := make(chan struct{})
	var once sync.Once
	opts.OnStage = func(_ string, st transcript.Stage) {
		if st == stage {
			once.Do(func() { time.AfterFunc(100*time.Millisecond, func() { close(ch) }) })
		}
	}
	return ch
}

// simulated is a simulator scenario that stalls in stage.
func simulated(scenario string, stage transcript.Stage) func(t *testing.T, opts *Options) (*specs.Site, <-chan struct{}) {
	return func(t *testing.T, opts *Options) (*specs.Site, <-chan struct{}) {
		ca, err := sim.NewCA()
		if err != nil {
			t.Fatal(err)
		}
		_, addr := simtest.Start(t, scenario, sim.Options{CA: ca})
		opts.Probe.RootCAs = ca.Pool()
		return testSite(addr.Port, func(s *specs.Site) {
			s.Method, s.Auth, s.Timeouts = transcript.DirectSend, nil, long
		}), entering(opts, stage)
	}
}

// stalledHTTP is a loopback HTTP server that never answers; reached is
// closed at its first request.
func stalledHTTP(t *testing.T) (url string, reached <-chan struct{}) {
	ch := make(chan struct{})
	var once sync.Once
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(ch) })
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL, ch
}

func interruptCases() []interruptCase {
	return []interruptCase{
		{transcript.Resolve, func(t *testing.T, opts *Options) (*specs.Site, <-chan struct{}) {
			d, err := dnsserver.Start("")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(d.Close)
			d.Silence()
			opts.Probe.DNSServers = []string{d.Addr}
			return testSite(25, func(s *specs.Site) {
				s.Method, s.Auth, s.Timeouts = transcript.DirectSend, nil, long
				s.Endpoint.Host = "mx.contoso.test"
			}), entering(opts, transcript.Resolve)
		}},
		{transcript.Connect, func(t *testing.T, opts *Options) (*specs.Site, <-chan struct{}) {
			port := refusedPort(t)
			blackHole(t, "127.0.0.1", port)
			return testSite(port, func(s *specs.Site) { s.Timeouts = long }), entering(opts, transcript.Connect)
		}},
		{transcript.Banner, simulated("no-banner", transcript.Banner)},
		{transcript.EHLO, scripted("EHLO", nil)},
		{transcript.STARTTLS, scripted("STARTTLS", nil)},
		{transcript.TLS, simulated("tls-stall", transcript.TLS)},
		{transcript.Auth, scripted("AUTH", nil)},
		{transcript.Mail, scripted("MAIL", nil)},
		{transcript.Rcpt, scripted("RCPT", nil)},
		{transcript.Data, scripted("DATA", func(s *specs.Site) { s.Envelope.SendMessage = true })},
		{transcript.Auth + " (token request)", func(t *testing.T, opts *Options) (*specs.Site, <-chan struct{}) {
			url, reached := stalledHTTP(t)
			s, _ := scripted("", func(s *specs.Site) {
				s.Auth.Mechanism = "XOAUTH2"
				s.Auth.Token = specs.Secret{}
				s.Auth.OAuth = &specs.OAuth{TenantID: tokenserver.Tenant, ClientID: tokenserver.App,
					ClientSecret: specs.NewSecret("CLIENT_SECRET", traceSecret), TokenURL: url}
			})(t, opts)
			return s, reached
		}},
		{transcript.Trace, func(t *testing.T, opts *Options) (*specs.Site, <-chan struct{}) {
			url, reached := stalledHTTP(t)
			s, _ := scripted("", func(s *specs.Site) {
				s.Envelope.SendMessage = true
				s.Trace = &specs.Trace{TenantID: tokenserver.Tenant, ClientID: tokenserver.App,
					ClientSecret: specs.NewSecret("TRACE_SECRET", traceSecret), Wait: time.Hour,
					GraphURL: url + "/v1.0", TokenURL: url + "/token"}
			})(t, opts)
			return s, reached
		}},
	}
}

// TestInterruptInEachStage cancels the run while the probe is blocked in
// each stage: the site ends at once, is interrupted at that stage, has no
// verdict category, and nothing is written: no golden, no pending golden,
// no AUTH failure.
func TestInterruptInEachStage(t *testing.T) {
	for _, tt := range interruptCases() {
		t.Run(string(tt.stage), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			gdir, state := filepath.Join(dir, "golden"), filepath.Join(dir, "cache", authguard.File)
			opts := Options{Golden: golden.Store{Dir: gdir}, Pending: true, AuthGuard: &authguard.Guard{Path: state}}
			site, blocked := tt.setup(t, &opts)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			var cancelled time.Time
			go func() {
				select {
				case <-blocked:
				case <-time.After(20 * time.Second): // the probe never got there: the checks below say so
				}
				cancelled = time.Now()
				cancel(errSignal)
			}()
			r := RunSite(ctx, site, opts)
			if took := time.Since(cancelled); took > interruptBound {
				t.Errorf("RunSite returned %s after the cancellation, want well under %s (deadlines are 30s)", took, interruptBound)
			}
			stage, _, _ := strings.Cut(string(tt.stage), " ")
			checkInterrupted(t, r, transcript.Stage(stage))
			if entries, _ := os.ReadDir(gdir); len(entries) > 0 {
				t.Errorf("golden folder has %d file(s) after an interrupted run, want none", len(entries))
			}
			if _, err := os.Stat(state); err == nil {
				t.Errorf("the AUTH failure state was written after an interrupted run:\n%s", mustReadFile(t, state))
			}
		})
	}
}

func mustReadFile(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkInterrupted checks that r is a site interrupted at stage.
func checkInterrupted(t *testing.T, r *Result, stage transcript.Stage) {
	t.Helper()
	var ie *InterruptedError
	if r.Status != StatusInterrupted || !errors.As(r.Err, &ie) {
		t.Fatalf("status %s (%v), verdict %q, want interrupted", r.Status, r.Err, r.Verdict.Line())
	}
	if ie.Stage != stage || r.Transcript.Interrupted != stage || r.Verdict.Stage != stage {
		t.Errorf("interrupted at %q (transcript %q, verdict %q), want %q", ie.Stage, r.Transcript.Interrupted, r.Verdict.Stage, stage)
	}
	if !errors.Is(r.Err, errSignal) {
		t.Errorf("error %v does not carry the cause", r.Err)
	}
	if r.Verdict.Category != "" || r.Verdict.Code != 0 || r.Verdict.Step != 0 {
		t.Errorf("verdict %+v claims a diagnosis", r.Verdict)
	}
	want := "interrupted during " + string(stage) + " (SIGTERM): not judged"
	if r.Verdict.Line() != want {
		t.Errorf("verdict line %q, want %q", r.Verdict.Line(), want)
	}
	if r.Pending != "" || r.Updated || r.Drift != nil {
		t.Errorf("pending %q, updated %v, drift %v: an interrupted site touches no golden", r.Pending, r.Updated, r.Drift)
	}
	for _, o := range r.Outcomes {
		if o.Status == transcript.Fail {
			t.Errorf("outcome %s failed (%s): an interrupted stage is not a failure", o.Stage, o.Reason)
		}
	}
	if st := r.Transcript.Stage(stage); st.Status != transcript.Skip || st.Note != "interrupted (SIGTERM)" {
		t.Errorf("stage %s = %s %q, want skip, interrupted", stage, st.Status, st.Note)
	}
}

// TestInterruptRun: the run is cancelled while its second site stalls.
// The first site keeps its result and golden, the second is interrupted
// in its stage, the others are reported interrupted without a probe, and
// every site is reported to OnResult.
func TestInterruptRun(t *testing.T) {
	pki := newPKI(t, "localhost")
	ok := startServer(t, newSMTPD(pki.server()).serve)
	d := newSMTPD(pki.server())
	d.stallOn, d.stalled = "EHLO", make(chan struct{})
	stall := startServer(t, d.serve)
	var sites []*specs.Site
	for i, port := range []int{ok.port, stall.port, ok.port, ok.port} {
		sites = append(sites, testSite(port, func(s *specs.Site) {
			s.Name, s.Timeouts = "site"+strconv.Itoa(i), long
		}))
	}
	gdir := t.TempDir()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		<-d.stalled
		cancel(errSignal)
	}()
	var mu sync.Mutex
	reported := map[string]Status{}
	results := Run(ctx, sites, Options{Parallel: 1, Golden: golden.Store{Dir: gdir}, Update: true,
		Probe: ProbeOptions{RootCAs: pki.pool},
		OnResult: func(r *Result) {
			mu.Lock()
			defer mu.Unlock()
			reported[r.Site.Name] = r.Status
		}})
	if results[0].Status != StatusPass || !results[0].Updated {
		t.Errorf("finished site: %s (updated %v), want pass with its golden written", results[0].Status, results[0].Updated)
	}
	checkInterrupted(t, results[1], transcript.EHLO)
	for _, r := range results[2:] {
		var ie *InterruptedError
		if r.Status != StatusInterrupted || !errors.As(r.Err, &ie) || ie.Stage != "" || len(r.Transcript.Lines) > 0 {
			t.Errorf("%s: %s %v with %d lines, want interrupted before its probe", r.Site.Name, r.Status, r.Err, len(r.Transcript.Lines))
		}
		if want := "interrupted before its probe started (SIGTERM): not judged"; r.Verdict.Line() != want {
			t.Errorf("%s: verdict %q, want %q", r.Site.Name, r.Verdict.Line(), want)
		}
	}
	if len(reported) != len(sites) {
		t.Errorf("OnResult saw %v, want all %d sites", reported, len(sites))
	}
	entries, _ := os.ReadDir(gdir)
	if len(entries) != 1 || entries[0].Name() != "site0.golden" {
		t.Errorf("golden folder holds %v, want only site0.golden", entries)
	}
}
