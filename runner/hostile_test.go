package runner

import (
	"bytes"
	"context"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/catalog"
	"github.com/smtpspec/smtpspec/golden"
	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// hostileBudget is every stage's deadline in the hostile tests: short, so
// that a server which stalls costs little, and long enough for a loaded
// CI machine to finish a TLS handshake.
const hostileBudget = 1500 * time.Millisecond

// memBound is what one probe of a hostile server may allocate in all
// (client and test server together, TLS handshakes included): a few MB,
// whatever the server sends.
const memBound = 4 << 20

// hostileCase is a server that breaks the rules and what the run must
// make of it: the stage that fails, how, and the verdict's category.
type hostileCase struct {
	name     string
	script   func(t *testing.T, pki *testPKI) func(p *peer)
	site     func(s *specs.Site)
	stage    transcript.Stage // the stage that fails ("" : none)
	kind     transcript.Kind
	code     int // the failing reply's code, when it is a reply
	category catalog.Category
	evidence string // a part of the verdict's evidence or the failing stage's evidence
	note     string // a part of a stage note, when the finding is a note
}

// serve runs d with cfg; a shortcut for the table.
func serve(mod func(d *smtpd)) func(t *testing.T, pki *testPKI) func(p *peer) {
	return func(t *testing.T, pki *testPKI) func(p *peer) {
		d := newSMTPD(pki.server())
		if mod != nil {
			mod(d)
		}
		return d.serve
	}
}

// after421 is a server that answers 421 to verb, and normally otherwise.
func after421(verb string) func(t *testing.T, pki *testPKI) func(p *peer) {
	return serve(func(d *smtpd) {
		d.reply[verb] = "421 4.3.2 Service not available, closing transmission channel"
	})
}

// throughEHLO greets and answers EHLO, then runs rest.
func throughEHLO(rest func(p *peer)) func(p *peer) {
	return func(p *peer) {
		p.send("220 test.local ESMTP")
		if _, ok := p.line(); !ok {
			return
		}
		p.send("250-test.local", "250-STARTTLS", "250 SIZE 1000")
		rest(p)
	}
}

// afterSTARTTLS answers EHLO and STARTTLS with 220, then answers the
// client's TLS hello with b instead of a handshake; glued: b follows the
// 220 at once, before the client could say anything.
func afterSTARTTLS(b []byte, glued bool) func(t *testing.T, pki *testPKI) func(p *peer) {
	return func(*testing.T, *testPKI) func(p *peer) {
		return throughEHLO(func(p *peer) {
			if _, ok := p.line(); !ok {
				return
			}
			if glued {
				// One write: the bytes travel with the 220, so the client
				// finds them buffered when it starts TLS, whatever the timing.
				p.raw(append([]byte("220 2.0.0 SMTP server ready\r\n"), b...))
				p.stall()
				return
			}
			p.send("220 2.0.0 SMTP server ready")
			hello := make([]byte, 5) // a TLS record header at least
			_ = p.conn.SetReadDeadline(time.Now().Add(peerWait))
			if _, err := io.ReadFull(p.r, hello); err != nil {
				return
			}
			p.raw(b)
			p.stall()
		})
	}
}

func plain(script func(p *peer)) func(*testing.T, *testPKI) func(p *peer) {
	return func(*testing.T, *testPKI) func(p *peer) { return script }
}

func noTLS(s *specs.Site) { s.Endpoint.TLS, s.Auth = transcript.NoTLS, nil }

func hostileCases() []hostileCase {
	megabyte := []byte("220 " + strings.Repeat("x", 1<<20)) // no CRLF
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7 + 3)
	}
	return []hostileCase{
		{name: "1 MB reply line without CRLF", script: plain(func(p *peer) { p.raw(megabyte); p.stall() }),
			stage: transcript.Banner, kind: transcript.KindProtocol, category: catalog.Firewall, evidence: "reply line longer than 4096 bytes"},
		{name: "endless multi-line reply", script: plain(func(p *peer) {
			p.send("220 test.local ESMTP")
			p.line()
			// Allocation-free: the test measures the client's.
			block := bytes.Repeat([]byte("250-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"), 64)
			_ = p.conn.SetWriteDeadline(time.Now().Add(peerWait))
			for i := 0; i < 1<<16; i++ {
				if _, err := p.conn.Write(block); err != nil {
					return
				}
			}
		}), stage: transcript.EHLO, kind: transcript.KindProtocol, category: catalog.Firewall, evidence: "reply longer than 200 lines"},
		{name: "slowloris: one byte per second", script: plain(func(p *peer) {
			for _, c := range []byte("220 test.local ESMTP\r\n") {
				p.raw([]byte{c})
				select {
				case <-p.srv.done:
					return
				case <-time.After(time.Second):
				}
			}
		}), stage: transcript.Banner, kind: transcript.KindTimeout, category: catalog.Firewall, evidence: "no reply within 1.5s"},
		{name: "bytes after the final line of a reply", script: plain(func(p *peer) {
			p.send("220 test.local ESMTP", "GARBAGE AFTER THE GREETING")
			p.stall()
		}), site: noTLS, stage: transcript.EHLO, kind: transcript.KindProtocol, category: catalog.Firewall, evidence: `malformed reply line "GARBAGE AFTER THE GREETING"`},
		{name: "bytes after the STARTTLS reply, before TLS", script: serve(func(d *smtpd) {
			d.reply["STARTTLS"] = "220 2.0.0 SMTP server ready\r\n250 injected"
		}), stage: transcript.TLS, kind: transcript.KindTLS, category: catalog.TLSCat},
		{name: "bare LF line endings", script: plain(func(p *peer) {
			for _, r := range []string{"220 test.local ESMTP\n", "250-test.local\n250 SIZE 1000\n", "250 2.1.0 OK\n", "250 2.1.5 OK\n", "250 2.0.0 reset\n", "221 bye\n"} {
				p.raw([]byte(r))
				if _, ok := p.line(); !ok {
					return
				}
			}
		}), site: noTLS, category: catalog.OK, note: "server ended a line with a bare LF"},
		{name: "invalid UTF-8 and NUL bytes", script: plain(func(p *peer) {
			p.raw([]byte("220 test.local \xff\xfe\x00\xc3\x28 ESMTP\r\n"))
			p.line()
			p.raw([]byte("250-test.local \x00\x00\r\n250 SIZE\xff1000\r\n"))
			p.line()
			p.raw([]byte("550 5.7.1 \x00\xff\xfe rejected\r\n"))
			p.line()
			p.send("221 bye")
		}), site: noTLS, stage: transcript.Mail, code: 550, category: catalog.Policy, evidence: `550 5.7.1 \x00\xff\xfe rejected`},
		{name: "connection reset in the middle of EHLO", script: plain(func(p *peer) {
			p.send("220 test.local ESMTP")
			p.line()
			p.raw([]byte("250-test.local\r\n250-PIPE"))
			if tc, ok := p.conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // close with RST
			}
			p.conn.Close()
		}), stage: transcript.EHLO, kind: transcript.KindReset, category: catalog.Firewall, evidence: "connection reset"},
		{name: "STARTTLS 220 then plaintext", script: afterSTARTTLS([]byte("500 5.5.1 I am not TLS\r\n"), false),
			stage: transcript.TLS, kind: transcript.KindTLS, category: catalog.TLSCat, evidence: "does not look like a TLS handshake"},
		{name: "STARTTLS 220 then garbage", script: afterSTARTTLS(garbage, false),
			stage: transcript.TLS, kind: transcript.KindTLS, category: catalog.TLSCat},
		// Bytes glued to the 220 cannot be the server's TLS: they are
		// discarded (RFC 3207 section 4.2) and the handshake then waits.
		{name: "STARTTLS 220 with plaintext glued to it", script: afterSTARTTLS([]byte("250 injected\r\n"), true),
			stage: transcript.TLS, kind: transcript.KindTimeout, category: catalog.Firewall,
			evidence: "TLS handshake not finished", note: "bytes after its STARTTLS reply, before TLS; discarded"},
		{name: "expired certificate", script: certScript(certExpired),
			stage: transcript.TLS, kind: transcript.KindTLS, category: catalog.TLSCat, evidence: "expired"},
		{name: "self-signed certificate", script: certScript(certSelfSigned),
			stage: transcript.TLS, kind: transcript.KindTLS, category: catalog.TLSCat, evidence: "unknown authority"},
		{name: "wrong-name certificate", script: certScript(certWrongName),
			stage: transcript.TLS, kind: transcript.KindTLS, category: catalog.TLSCat, evidence: "not localhost"},
		// The peer reads EHLO before it closes: closing with the command
		// unread would make the kernel answer with RST, and the client
		// would see "reset" or "closed" depending on timing.
		{name: "close after the banner", script: plain(func(p *peer) { p.send("220 test.local ESMTP"); p.line() }),
			stage: transcript.EHLO, kind: transcript.KindClosed, category: catalog.Firewall, evidence: "connection closed"},
		{name: "reply code 600", script: plain(func(p *peer) { p.send("600 what"); p.stall() }),
			stage: transcript.Banner, kind: transcript.KindProtocol, category: catalog.Firewall, evidence: "reply code 600 outside 200-599"},
		{name: "reply code 199", script: serve(func(d *smtpd) { d.reply["MAIL"] = "199 maybe" }),
			// Inside TLS no middlebox can have written it: the server is broken.
			stage: transcript.Mail, kind: transcript.KindProtocol, category: catalog.Service, evidence: "reply code 199 outside 200-599"},
		{name: "421 at banner", script: serve(func(d *smtpd) { d.banner = "421 4.3.2 Service not available" }),
			stage: transcript.Banner, code: 421, category: catalog.Service},
		{name: "421 at ehlo", script: after421("EHLO"), stage: transcript.EHLO, code: 421, category: catalog.Service},
		{name: "421 at starttls", script: after421("STARTTLS"), stage: transcript.STARTTLS, code: 421, category: catalog.Service},
		{name: "421 at ehlo after TLS", script: serve(func(d *smtpd) { d.ehloTLS = []string{"421 4.3.2 Service not available"} }),
			stage: transcript.EHLOTLS, code: 421, category: catalog.Service},
		{name: "421 at auth", script: after421("AUTH"), stage: transcript.Auth, code: 421, category: catalog.Service},
		{name: "421 at mail", script: after421("MAIL"), stage: transcript.Mail, code: 421, category: catalog.Service},
		{name: "421 at rcpt", script: after421("RCPT"), stage: transcript.Rcpt, code: 421, category: catalog.Service},
		{name: "421 at data", script: after421("DATA"), site: func(s *specs.Site) { s.Envelope.SendMessage = true },
			stage: transcript.Data, code: 421, category: catalog.Service},
		{name: "421 at quit", script: after421("QUIT"), stage: transcript.Quit, code: 421, category: catalog.Service},
	}
}

func certScript(k badCert) func(t *testing.T, pki *testPKI) func(p *peer) {
	return func(t *testing.T, pki *testPKI) func(p *peer) {
		d := newSMTPD(badServer(t, pki, k))
		return d.serve
	}
}

// stageDeadlines is the sum of the deadlines of every stage s may run,
// capped by timeouts.total: no run may take longer.
func stageDeadlines(s *specs.Site) time.Duration {
	var sum time.Duration
	for _, name := range transcript.Sequence(s.Plan()) {
		switch name {
		case transcript.Resolve, transcript.Connect, transcript.TLS:
			sum += s.Timeouts.Connect
		default:
			sum += s.Timeouts.Command
		}
	}
	return min(sum, s.Timeouts.Total)
}

// TestHostileServers: each broken or hostile server ends within the sum
// of the stage deadlines with a classified finding, no panic, and a
// bounded amount of memory. Not parallel: it measures allocation.
func TestHostileServers(t *testing.T) {
	for _, tt := range hostileCases() {
		t.Run(tt.name, func(t *testing.T) {
			pki := newPKI(t, "localhost")
			srv := startServer(t, tt.script(t, pki))
			s := testSite(srv.port, func(s *specs.Site) {
				s.Timeouts = specs.Timeouts{Connect: hostileBudget, Command: hostileBudget, Total: 30 * time.Second}
			})
			if tt.site != nil {
				tt.site(s)
			}
			opts := Options{Golden: golden.Store{Dir: t.TempDir()}, Probe: ProbeOptions{RootCAs: pki.pool}}

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			r := RunSite(context.Background(), s, opts)
			took := time.Since(start)
			runtime.ReadMemStats(&after)

			t.Logf("took %s, allocated %d KiB", took.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>10)
			if limit := stageDeadlines(s); took > limit {
				t.Errorf("run took %s, more than the sum of its stage deadlines (%s)", took, limit)
			}
			bound := uint64(memBound)
			if raceEnabled {
				bound *= 8
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > bound {
				t.Errorf("run allocated %d bytes, want at most %d", grew, bound)
			}
			checkFinding(t, tt, r)
		})
	}
}

func checkFinding(t *testing.T, tt hostileCase, r *Result) {
	t.Helper()
	tr := r.Transcript
	f, failed := tr.Failed()
	switch {
	case tt.stage == "" && failed:
		t.Fatalf("stage %s failed: %s", f.Stage, f.Evidence())
	case tt.stage != "" && (!failed || f.Stage != tt.stage):
		t.Fatalf("failed stage = %q (%s), want %s\nstages: %v", f.Stage, f.Evidence(), tt.stage, stages(tr))
	}
	if tt.stage != "" {
		switch {
		case tt.code != 0 && (f.Reply == nil || f.Reply.Code != tt.code):
			t.Errorf("%s evidence = %q, want a %d reply", f.Stage, f.Evidence(), tt.code)
		case tt.kind != "" && (f.Err == nil || f.Err.Kind != tt.kind):
			t.Errorf("%s evidence = %q, want a %s error", f.Stage, f.Evidence(), tt.kind)
		}
		if !strings.Contains(f.Evidence()+" | "+r.Verdict.Evidence, tt.evidence) {
			t.Errorf("evidence %q / %q lacks %q", f.Evidence(), r.Verdict.Evidence, tt.evidence)
		}
		// Nothing follows a broken connection or a 421 but QUIT at most.
		for _, st := range tr.Stages {
			if st.Stage != f.Stage && st.Stage != transcript.Quit && st.Status != transcript.Pass && st.Status != transcript.Skip {
				t.Errorf("stage %s = %s after %s failed", st.Stage, st.Status, f.Stage)
			}
		}
		if (tt.code == 421 || f.Err != nil) && tr.Stage(transcript.Quit).Status == transcript.Pass && f.Stage != transcript.Quit {
			t.Errorf("QUIT sent after a %s", f.Evidence())
		}
	}
	if r.Verdict.Category != tt.category {
		t.Errorf("verdict = %s at %s (%s), want %s", r.Verdict.Category, r.Verdict.Stage, r.Verdict.Summary(), tt.category)
	}
	if r.Status == StatusPass && tt.stage != "" {
		t.Errorf("status pass for a broken server")
	}
	if tt.note != "" && !strings.Contains(strings.Join(stages(tr), "\n"), tt.note) {
		t.Errorf("no note %q in %v", tt.note, stages(tr))
	}
	for _, l := range tr.Lines {
		if len(l.Text) > 4*maxLine || strings.ContainsAny(l.Text, "\x00\r\n") {
			t.Errorf("transcript line not bounded or not escaped: %.80q", l.Text)
		}
	}
	if len(r.Golden) > 64<<10 {
		t.Errorf("golden is %d bytes", len(r.Golden))
	}
}

// TestInsecureSkipVerify: with insecure_skip_verify the TLS stage of a
// server with a bad certificate passes, the facts still say why it would
// have failed, and the result carries the warning every report prints.
// Without it the same server fails at tls.
func TestInsecureSkipVerify(t *testing.T) {
	for _, k := range []badCert{certExpired, certSelfSigned, certWrongName} {
		pki := newPKI(t, "localhost")
		srv := startServer(t, newSMTPD(badServer(t, pki, k)).serve)
		opts := Options{Golden: golden.Store{Dir: t.TempDir()}, Probe: ProbeOptions{RootCAs: pki.pool}}
		r := RunSite(context.Background(), testSite(srv.port, func(s *specs.Site) { s.Endpoint.InsecureSkipVerify = true }), opts)
		if st := r.Transcript.Stage(transcript.TLS); st.Status != transcript.Pass {
			t.Errorf("cert %d: tls = %s %s with insecure_skip_verify", k, st.Status, st.Evidence())
		}
		if i := r.Transcript.TLS; i == nil || i.Verified || !i.VerifySkipped || i.VerifyError == "" {
			t.Errorf("cert %d: TLS facts %+v, want unverified, skipped, with the reason", k, i)
		}
		if r.Status == StatusFail || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "verification is OFF") ||
			!strings.Contains(r.Warnings[0], "did NOT verify") {
			t.Errorf("cert %d: status %s, warnings %q", k, r.Status, r.Warnings)
		}
	}
	pki := newPKI(t, "localhost")
	srv := startServer(t, newSMTPD(pki.server()).serve)
	opts := Options{Golden: golden.Store{Dir: t.TempDir()}, Probe: ProbeOptions{RootCAs: pki.pool}}
	r := RunSite(context.Background(), testSite(srv.port, func(s *specs.Site) { s.Endpoint.InsecureSkipVerify = true }), opts)
	if i := r.Transcript.TLS; i == nil || !i.Verified || len(r.Warnings) != 1 || strings.Contains(r.Warnings[0], "did NOT verify") {
		t.Errorf("good certificate with insecure_skip_verify: TLS %+v, warnings %q; want verified and the plain warning", i, r.Warnings)
	}
	r = RunSite(context.Background(), testSite(srv.port), opts)
	if len(r.Warnings) != 0 {
		t.Errorf("verification on: warnings %q", r.Warnings)
	}
}
