package forecast

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/diagnosis"
	"github.com/smtpspec/smtpspec/runner"
	"github.com/smtpspec/smtpspec/sim"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// runKey names one run: a site (siteKey) in a setup.
type runKey struct {
	site  string
	setup setup
}

// memo runs each distinct run once; callers asking for one that is
// running wait for it. It keeps a run's judgement, not its transcript: a
// fleet's thousands of runs stay small.
type memo struct {
	mu   sync.Mutex
	runs map[runKey]*memoEntry
	hits int
}

type memoEntry struct {
	done chan struct{}
	r    *judgement
}

// judgement is what the forecast keeps of a run: its status and verdict,
// as `smtpspec run` reports them.
type judgement struct {
	Status  runner.Status
	Verdict diagnosis.Verdict
}

func (m *memo) do(k runKey, run func() *judgement) *judgement {
	m.mu.Lock()
	if m.runs == nil {
		m.runs = map[runKey]*memoEntry{}
	}
	if e, ok := m.runs[k]; ok {
		m.hits++
		m.mu.Unlock()
		<-e.done
		return e.r
	}
	e := &memoEntry{done: make(chan struct{})}
	m.runs[k] = e
	m.mu.Unlock()
	defer close(e.done)
	e.r = run()
	return e.r
}

// counts returns the runs made and the runs saved.
func (m *memo) counts() (runs, hits int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.runs), m.hits
}

// run is the result of s (prepared) in st, probed once per distinct
// (site, setup). An interrupted run is not kept: it says nothing.
func (f *Forecaster) run(ctx context.Context, s *specs.Site, st setup) *judgement {
	k := runKey{siteKey(s), st}
	r := f.memo.do(k, func() *judgement {
		res := f.probe(ctx, s, st)
		return &judgement{Status: res.Status, Verdict: res.Verdict}
	})
	if r.Status == runner.StatusInterrupted {
		f.memo.mu.Lock()
		delete(f.memo.runs, k)
		f.memo.mu.Unlock()
	}
	return r
}

// probe starts the simulators st names, runs s against them with the
// runner, as `smtpspec run` does, and stops them.
func (f *Forecaster) probe(ctx context.Context, s *specs.Site, st setup) *runner.Result {
	v, err := f.view(st.view)
	if err != nil {
		return f.failed(s, err)
	}
	var domains []string
	if st.domains != "" {
		domains = strings.Split(st.domains, ",")
	}
	names := serverNames(s, st.tenant)
	ep, epAddr, err := f.listen(st.endpoint, st.tenant, domains, names)
	if err != nil {
		return f.failed(s, err)
	}
	defer ep.Close()
	routes := map[string]string{}
	if s.Control != nil && st.control.Method != "" {
		ctl, ctlAddr, err := f.listen(st.control, st.tenant, nil, serverNames(s.Control, st.tenant))
		if err != nil {
			return f.failed(s, err)
		}
		defer ctl.Close()
		routes[strings.ToLower(s.Control.Endpoint.Host)] = ctlAddr
	}
	roots := f.ca.Pool()
	if st.distrust {
		roots = x509.NewCertPool() // Microsoft's chain ends at a root the device lacks
	}
	return runner.RunSite(ctx, s, runner.Options{
		Golden: f.noGolden,
		Now:    f.opts.Now,
		Probe: runner.ProbeOptions{
			DNSServers:         []string{v.Addr},
			Dial:               f.dialer(routes, epAddr),
			RootCAs:            roots,
			HTTPClient:         f.http,
			RSAKeyExchangeOnly: st.rsaOnly,
			Now:                f.opts.Now,
		},
	})
}

// listen serves sc on a new loopback port.
func (f *Forecaster) listen(sc sim.Scenario, tenant string, domains, names []string) (*sim.Server, string, error) {
	srv, addr, err := sim.Listen(&sc, sim.Options{CA: f.ca, Now: f.opts.Now, Domain: tenant, MoreDomains: domains, ServerNames: names})
	if err != nil {
		return nil, "", fmt.Errorf("forecast: simulator for %s: %w", sc.Name, err)
	}
	return srv, addr.String(), nil
}

// dialer routes the probe's connections: an address the forecast's DNS
// gave a host name goes to the simulator playing that name (the
// control's endpoint, if it has one), every other one to the site's
// endpoint (an address literal in the spec).
func (f *Forecaster) dialer(routes map[string]string, endpoint string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		}
		target := endpoint
		if name := f.names.name(host); name != "" {
			if t, ok := routes[name]; ok {
				target = t
			}
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", target)
	}
}

// serverNames are the names the simulator's certificate must carry for
// the probe of s to verify it: the host, or the MX names of the tenant.
func serverNames(s *specs.Site, tenant string) []string {
	out := []string{mxHost(tenant), mxMicrosoftHost(tenant), catalog.HVEHost, catalog.HVEHostOld}
	for _, n := range []string{s.Endpoint.Host, s.Endpoint.ServerName} {
		if n != "" && net.ParseIP(n) == nil {
			out = append(out, strings.ToLower(n))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// failed is the result of a run the forecast could not set up (no
// loopback port): status error and no verdict category, nothing having
// been diagnosed (outcome.go makes it unknown).
func (f *Forecaster) failed(s *specs.Site, err error) *runner.Result {
	return &runner.Result{Site: s, Status: runner.StatusError, Err: err,
		Transcript: &transcript.Transcript{Site: s.Name, Method: s.Method},
		Verdict:    diagnosis.Verdict{Finding: "not run: " + err.Error()}}
}
