package runner

import (
	"context"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// margin is how late a deadline may end a stage on a loaded CI machine.
const margin = 1500 * time.Millisecond

func TestProbeStallEndsByTheDeadline(t *testing.T) {
	const budget = 300 * time.Millisecond
	pki := newPKI(t, "localhost")
	tests := []struct {
		name     string
		script   func(p *peer)
		dial     func(ctx context.Context, network, addr string) (net.Conn, error)
		timeouts specs.Timeouts
		stage    transcript.Stage
		wantErr  string
		limit    time.Duration // the probe must end within limit + margin
	}{
		{
			name:     "banner",
			script:   func(p *peer) { p.stall() },
			timeouts: specs.Timeouts{Connect: 5 * time.Second, Command: budget},
			stage:    transcript.Banner, wantErr: "timeout: no reply within 300ms", limit: budget,
		},
		{
			name: "ehlo",
			script: func(p *peer) {
				p.send("220 ready")
				p.stall()
			},
			timeouts: specs.Timeouts{Connect: 5 * time.Second, Command: budget},
			stage:    transcript.EHLO, wantErr: "timeout: no reply within 300ms", limit: budget,
		},
		{
			name: "tls handshake",
			script: func(p *peer) {
				p.send("220 ready", "250-hi", "250 STARTTLS")
				p.line() // EHLO
				p.line() // STARTTLS
				p.send("220 2.0.0 go ahead")
				p.stall()
			},
			timeouts: specs.Timeouts{Connect: budget, Command: 5 * time.Second},
			stage:    transcript.TLS, wantErr: "timeout: TLS handshake not finished within 300ms", limit: budget,
		},
		{
			name: "connect",
			dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
				<-ctx.Done() // a black-holed SYN: nothing answers
				return nil, ctx.Err()
			},
			timeouts: specs.Timeouts{Connect: budget, Command: 5 * time.Second},
			stage:    transcript.Connect, wantErr: "timeout: no connection to 127.0.0.1:25 within 300ms", limit: budget,
		},
		{
			name:     "site total deadline",
			script:   func(p *peer) { p.stall() },
			timeouts: specs.Timeouts{Connect: 5 * time.Second, Command: 5 * time.Second, Total: budget},
			stage:    transcript.Banner, wantErr: "timeout: site deadline passed (timeouts.total)", limit: budget,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			port := 25
			if tt.script != nil {
				port = startServer(t, tt.script).port
			}
			s := testSite(port, func(s *specs.Site) { s.Timeouts = tt.timeouts })
			start := time.Now()
			tr := Probe(context.Background(), s, ProbeOptions{Now: testClock, RootCAs: pki.pool, Dial: tt.dial})
			if took := time.Since(start); took > tt.limit+margin {
				t.Errorf("probe took %s, want at most %s + %s", took, tt.limit, margin)
			}
			st := tr.Stage(tt.stage)
			if st.Status != transcript.Fail || st.Err == nil || st.Err.Kind != transcript.KindTimeout {
				t.Fatalf("%s = %s %s, want a timeout", tt.stage, st.Status, st.Evidence())
			}
			if tt.wantErr != "" && st.Err.Error() != tt.wantErr {
				t.Errorf("%s error = %q, want %q", tt.stage, st.Err.Error(), tt.wantErr)
			}
			if q := tr.Stage(transcript.Quit); q.Status != transcript.Skip {
				t.Errorf("quit = %s after a timeout, want skip", q.Status)
			}
		})
	}
}

func TestProbeLongLineIsBounded(t *testing.T) {
	// Not parallel: it measures the heap the probe allocates.
	payload := []byte("220 " + strings.Repeat("a", 1<<20)) // 1 MB, no CRLF
	srv := startServer(t, func(p *peer) {
		p.raw(payload)
		p.stall()
	})
	s := testSite(srv.port, func(s *specs.Site) { s.Timeouts.Command = 10 * time.Second })

	// The process loads the system's roots once, in the background, when
	// a probe that needs TLS starts (roots.go): finish that first, so the
	// measure is the probe's reading of the line and nothing else.
	systemRootPool()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	tr := probe(t, s, nil)
	took := time.Since(start)
	runtime.ReadMemStats(&after)

	if took > margin {
		t.Errorf("probe took %s: a long line must fail at once, not at the deadline", took)
	}
	st := tr.Stage(transcript.Banner)
	if st.Err == nil || st.Err.Kind != transcript.KindProtocol {
		t.Fatalf("banner = %s %s, want a protocol error", st.Status, st.Evidence())
	}
	if !strings.HasPrefix(st.Err.Text, "reply line longer than 4096 bytes") {
		t.Errorf("banner error = %q", st.Err.Text)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 512<<10 {
		t.Errorf("probe allocated %d bytes reading a 1 MB line; want it bounded (< 512 KiB)", grew)
	}
	if len(tr.Lines) != 0 {
		t.Errorf("recorded %d lines, want none", len(tr.Lines))
	}
	if q := tr.Stage(transcript.Quit); q.Status != transcript.Skip {
		t.Errorf("quit = %s after a protocol error, want skip", q.Status)
	}
}

func TestProbeConnectFailures(t *testing.T) {
	refused := refusedPort(t)
	srv := startServer(t, newSMTPD(nil).serve)
	tests := []struct {
		name       string
		addrs      []string
		port       int
		wantStages []string
	}{
		{
			name:  "refused",
			addrs: []string{"127.0.0.1"}, port: refused,
			wantStages: []string{"resolve pass [localhost.test → 1 address]",
				"connect fail refused: connection refused by 127.0.0.1:" + itoa(refused),
				"banner skip", "ehlo skip", "mail skip", "rcpt skip", "quit skip"},
		},
		{
			name:  "first address refused, second used",
			addrs: []string{"127.0.0.2", "127.0.0.1"}, port: srv.port,
			wantStages: []string{"resolve pass [localhost.test → 2 addresses]",
				"connect pass [127.0.0.2:" + itoa(srv.port) + " refused]",
				"banner pass 220 test.local Microsoft ESMTP MAIL Service ready"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSite(tt.port, func(s *specs.Site) {
				s.Endpoint.Host, s.Endpoint.TLS, s.Auth = "localhost.test", transcript.NoTLS, nil
			})
			res := &fakeResolver{hosts: map[string][]string{"localhost.test": tt.addrs}}
			tr := Probe(context.Background(), s, ProbeOptions{Now: testClock, Resolver: res})
			got := stages(tr)[:len(tt.wantStages)]
			if diff := cmp.Diff(tt.wantStages, got); diff != "" {
				t.Errorf("stages (-want +got):\n%s", diff)
			}
		})
	}
}
