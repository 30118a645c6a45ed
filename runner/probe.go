// Package runner runs sites. Probe talks SMTP to one live endpoint, stage
// by stage, each stage with its own deadline, and records everything in a
// transcript.Transcript; it judges nothing (package checks does) and
// sends a message only when the site asks for one.
package runner

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/smtpspec/smtpspec/specs"
	"github.com/smtpspec/smtpspec/transcript"
)

// Resolver is the part of *net.Resolver the probe uses; tests and the
// simulator supply their own.
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
}

// ProbeOptions are the probe's seams: name resolution, dialling, trust,
// time and the run token.
type ProbeOptions struct {
	Resolver Resolver                                                          // nil: net.DefaultResolver
	Dial     func(ctx context.Context, network, addr string) (net.Conn, error) // nil: net.Dialer
	RootCAs  *x509.CertPool                                                    // nil: system roots; site.Endpoint.CAFile (PEM) is always added
	Now      func() time.Time                                                  // nil: time.Now
	Token    string                                                            // run token for send_message (Subject and Message-ID carry it)
	OnStage  func(stage transcript.Stage)                                      // nil: none; called as each stage starts, for progress
	// DNSServers (host:port) answer every DNS query of the probe unless
	// the spec's dns.resolver names one; nil: Resolver if set, else the
	// system's resolvers (dns.go). Tests point it at a loopback server.
	DNSServers []string
	// HTTPClient carries OAuth token requests (oauth.go); nil: a client
	// with the connect timeout and the system's proxy settings.
	HTTPClient *http.Client
	// RSAKeyExchangeOnly makes the handshake offer only RSA key exchange
	// (TLS_RSA_* suites, TLS 1.2 at most): a device without elliptic-curve
	// support, as the forecast plays one (tls.go).
	RSAKeyExchangeOnly bool
}

// stageFunc runs one stage of a session.
type stageFunc func(*session) transcript.StageResult

// stageFuncs registers every stage the probe knows; transcript.Sequence says
// which of them a site runs and in which order.
var stageFuncs = map[transcript.Stage]stageFunc{
	transcript.Resolve:  (*session).resolve,
	transcript.Connect:  (*session).connect,
	transcript.Banner:   (*session).banner,
	transcript.EHLO:     (*session).ehlo,
	transcript.STARTTLS: (*session).starttls,
	transcript.TLS:      (*session).handshake,
	transcript.EHLOTLS:  (*session).ehloTLS,
	transcript.Auth:     (*session).auth,
	transcript.Mail:     (*session).mail,
	transcript.Rcpt:     (*session).rcpt,
	transcript.Data:     (*session).data,
	transcript.Quit:     (*session).quit,
	transcript.Trace:    (*session).traceLater, // trace.go: RunSite looks the message up after the session
}

// Probe runs the stages of site s against the live server and returns the
// complete transcript: every stage of s.Sequence() appears
// in order, with Status Skip for those not reached. Each stage has its own
// deadline (timeouts.connect for resolve, connect and the TLS handshake,
// timeouts.command for the others), all within timeouts.total. Probe never
// sends DATA unless the site asks for it, and the transcript holds no
// secret. It does not judge expectations or diagnose: checks does.
func Probe(ctx context.Context, s *specs.Site, opts ProbeOptions) *transcript.Transcript {
	return probeStages(ctx, s, s.Sequence(), opts)
}

// probeStages is Probe of the stages seq (s.Sequence(), which RunSite has).
// A site built outside the loader gets the defaults here (specs.WithDefaults).
func probeStages(ctx context.Context, s *specs.Site, seq []transcript.Stage, opts ProbeOptions) *transcript.Transcript {
	s = s.WithDefaults()
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Dial == nil {
		opts.Dial = (&net.Dialer{}).DialContext
	}
	if opts.RootCAs == nil && s.Endpoint.CAFile == "" && slices.Contains(seq, transcript.TLS) {
		// roots.go: the load overlaps the round trips before the handshake.
		// With a ca_file the chain is verified against it first (trust in
		// tls.go), and the system's roots are read only if that fails.
		PreloadSystemRoots()
	}
	outer := ctx // the run's: its end is an interruption (interrupt.go), not a deadline
	ctx, cancel := context.WithTimeout(ctx, s.Timeouts.Total+transferTime(s.Envelope.MessageSize))
	defer cancel()
	ss := newSession(ctx, s, opts)
	ss.outer = outer
	for _, name := range seq {
		if opts.OnStage != nil {
			opts.OnStage(name)
		}
		ss.t.Stages = append(ss.t.Stages, ss.run(name))
	}
	ss.end()
	ss.finishReach() // reach.go: remaining connect attempts, reputation
	ss.t.Lines = ss.rec.lines
	ss.t.Duration = opts.Now().Sub(ss.t.Started)
	redact(ss.t, append(s.Secrets(), ss.secrets...))
	return ss.t
}

// session is one probe's state between stages.
type session struct {
	ctx   context.Context // the site's: timeouts.total
	outer context.Context // the run's (interrupt.go)
	site  *specs.Site
	opts  ProbeOptions
	t     *transcript.Transcript
	rec   *recorder

	port     int
	host     string   // the name connected to: endpoint.host or the MX host
	addrs    []string // what resolve found
	c        *client  // nil before connect and after the connection ended
	ended    bool     // nothing more can run (no connection, or it broke)
	failed   bool     // a stage failed; the connection is usable for QUIT only
	tlsDone  bool
	mailOK   bool         // MAIL FROM was accepted
	dataSent bool         // the message body went out
	msg      *testMessage // the message send_message sends, built by message() (stage_data.go)
	secrets  []string     // secrets had during the probe (an OAuth token), for redact
	reach    *transcript.Reachability
	reachMu  sync.Mutex    // guards reach.DNS, written by parallel lookups
	dials    *pendingDials // connect attempts still running (stage_connect.go)
}

func newSession(ctx context.Context, s *specs.Site, opts ProbeOptions) *session {
	port := s.Endpoint.Port
	name := s.Endpoint.Host
	if name == "" {
		name = s.Endpoint.MXDomain
	}
	start := opts.Now()
	t := &transcript.Transcript{
		Site:    s.Name,
		Method:  s.Method,
		Target:  net.JoinHostPort(name, strconv.Itoa(port)),
		Started: start,
	}
	return &session{ctx: ctx, outer: ctx, site: s, opts: opts, t: t, port: port, host: s.Endpoint.Host,
		rec: &recorder{start: start, now: opts.Now}, reach: &transcript.Reachability{}}
}

// run runs stage name if the session can still reach it.
func (s *session) run(name transcript.Stage) transcript.StageResult {
	if s.ended || (s.failed && name != transcript.Quit) {
		return transcript.StageResult{Stage: name, Status: transcript.Skip}
	}
	if s.stopped() {
		return s.interrupt(name, 0)
	}
	s.rec.stage = name
	if s.c != nil {
		s.c.setBudget(s.budget(name))
	}
	start := s.opts.Now()
	r := stageFuncs[name](s)
	r.Stage = name
	r.Duration = s.opts.Now().Sub(start)
	if s.c != nil {
		r.Note = joinNotes(append(s.c.takeNotes(), r.Note)...)
	}
	if r.Status != transcript.Pass && s.stopped() {
		return s.interrupt(name, r.Duration) // the cancellation, not the server, ended it
	}
	if r.Status == transcript.Fail {
		s.failed = true
		if fatal(name, r) {
			s.end()
		}
	}
	return r
}

// budget is the stage's own deadline.
func (s *session) budget(name transcript.Stage) time.Duration {
	if name.Facts().Deadline == transcript.ConnectDeadline {
		return s.site.Timeouts.Connect
	}
	return s.site.Timeouts.Command
}

// fatal reports a failure after which the connection cannot carry QUIT:
// no connection, a broken one, a TLS failure, or 421 (the server is
// closing the channel, RFC 5321 section 3.8).
func fatal(stage transcript.Stage, r transcript.StageResult) bool {
	switch {
	case stage.Facts().Fatal:
		return true
	case r.Reply != nil:
		return r.Reply.Code == 421
	}
	return !isLocal(r.Err)
}

// end closes the connection, if any, and stops the session.
func (s *session) end() {
	s.ended = true
	if s.c != nil {
		s.c.close()
		s.c = nil
	}
}

func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}

// redact removes every secret a server might have echoed back from t: the
// recording client never writes AUTH payloads, this is the second line of
// defence, and it covers replies, notes and errors as well as lines.
func redact(t *transcript.Transcript, secrets []string) {
	forms := transcript.SecretForms(secrets)
	if len(forms) == 0 {
		return
	}
	t.Lines = transcript.Redact(t.Lines, secrets)
	for i := range t.Stages {
		r := &t.Stages[i]
		r.Note = transcript.RedactString(r.Note, forms)
		if r.Reply != nil {
			for j, l := range r.Reply.Lines {
				r.Reply.Lines[j] = transcript.RedactString(l, forms)
			}
		}
		if r.Err != nil {
			r.Err.Text = transcript.RedactString(r.Err.Text, forms)
		}
	}
}

// exchange sends the stage's last command and judges its reply.
func (s *session) exchange(line string) transcript.StageResult {
	reply, err := s.c.cmd(line)
	return s.final(reply, err)
}

// final judges the reply to the running stage's last command: a code the
// stage passes with (transcript's table of stages) passes, any other
// reply or an error fails the stage.
func (s *session) final(reply *transcript.Reply, err error) transcript.StageResult {
	return s.judged(reply, err, s.rec.stage.Passes)
}

// result judges the reply to a command before the stage's last (DATA's
// 354, RSET's 250): want passes.
func (s *session) result(reply *transcript.Reply, err error, want int) transcript.StageResult {
	return s.judged(reply, err, func(code int) bool { return code == want })
}

func (s *session) judged(reply *transcript.Reply, err error, passes func(int) bool) transcript.StageResult {
	if err != nil {
		return transcript.StageResult{Status: transcript.Fail, Err: s.c.failure(err)}
	}
	if !passes(reply.Code) {
		return transcript.StageResult{Status: transcript.Fail, Reply: reply}
	}
	return transcript.StageResult{Status: transcript.Pass, Reply: reply}
}
