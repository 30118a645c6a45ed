package runner

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/smtpspec/smtpspec/transcript"
)

// dialResult is one address's connect attempt.
type dialResult struct {
	i    int
	conn net.Conn
	att  transcript.ConnectAttempt
}

// pendingDials are the attempts still running when the probe went on
// with the first address that connected. They end by the connect
// deadline at the latest; finishConnect collects them.
type pendingDials struct {
	results chan dialResult
	left    int
	cancel  context.CancelFunc
}

// connect dials every resolved address at once, IPv4 and IPv6, each
// within the stage's deadline, and goes on with the first that accepts.
// Every attempt's outcome is recorded (transcript.Reachability.Attempts),
// the ones still running included once they end, so a firewall that lets
// through only some of Microsoft's addresses shows as a partial block
// even when the probe itself got through.
func (s *session) connect() transcript.StageResult {
	budget := s.budget(transcript.Connect)
	// Not cancelled when the stage returns: attempts still running go on
	// until the deadline, and finishConnect cancels them.
	ctx, cancel := context.WithTimeout(s.ctx, budget)
	s.reach.Attempts = make([]transcript.ConnectAttempt, len(s.addrs))
	p := &pendingDials{results: make(chan dialResult, len(s.addrs)), left: len(s.addrs), cancel: cancel}
	s.dials = p
	timeout := func(addr string) string { return fmt.Sprintf("no connection to %s within %s", addr, budget) }
	for i, a := range s.addrs {
		addr := net.JoinHostPort(a, strconv.Itoa(s.port))
		go func() { p.results <- s.dial(ctx, i, addr, timeout(addr)) }()
	}
	for p.left > 0 {
		r := <-p.results
		p.left--
		s.reach.Attempts[r.i] = r.att
		if r.conn != nil {
			s.reach.Attempts[r.i].Used = true
			s.c = newClient(s.ctx, r.conn, r.att.Addr, s.rec)
			// The failed attempts are noted by finishConnect, once every
			// attempt has ended.
			return transcript.StageResult{Status: transcript.Pass, Addr: r.att.Addr}
		}
	}
	if len(s.addrs) == 0 {
		return transcript.StageResult{Status: transcript.Fail, Err: &transcript.Error{Kind: transcript.KindDNS, Text: "no address to connect to"}}
	}
	// Every address failed: the first address's failure decides, the
	// others are noted.
	first := s.reach.Attempts[0]
	r := transcript.StageResult{Status: transcript.Fail, Err: &transcript.Error{Kind: transcript.Kind(first.Outcome), Text: first.Error}}
	if len(s.addrs) > 1 {
		r.Note = "tried " + failedNote(s.reach.Attempts)
	}
	return r
}

// dial makes one attempt.
func (s *session) dial(ctx context.Context, i int, addr, timeout string) dialResult {
	start := time.Now()
	conn, err := s.opts.Dial(ctx, "tcp", addr)
	att := transcript.ConnectAttempt{Addr: addr, Family: family(addr), Duration: time.Since(start)}
	if err != nil {
		e := classify(s.ctx, err, addr, timeout)
		att.Outcome, att.Error = string(e.Kind), e.Text
		return dialResult{i: i, att: att}
	}
	att.Outcome = transcript.Connected
	return dialResult{i: i, conn: conn, att: att}
}

// finishConnect waits for the attempts still running (bounded by the
// connect deadline), closes the connections the probe did not use, and
// adds the late failures to the connect stage's note.
func (s *session) finishConnect() {
	p := s.dials
	if p == nil {
		return
	}
	defer p.cancel()
	for ; p.left > 0; p.left-- {
		r := <-p.results
		if r.conn != nil {
			r.conn.Close()
		}
		s.reach.Attempts[r.i] = r.att
	}
	for i := range s.t.Stages {
		if st := &s.t.Stages[i]; st.Stage == transcript.Connect && st.Status == transcript.Pass {
			st.Note = joinNotes(failedNote(s.reach.Attempts), st.Note)
		}
	}
}

// failedNote lists the failed attempts in address order: "127.0.0.2:25
// refused; [2001:db8::1]:25 timeout".
func failedNote(atts []transcript.ConnectAttempt) string {
	var out []string
	for _, a := range atts {
		if a.Outcome != "" && a.Outcome != transcript.Connected {
			out = append(out, a.Addr+" "+a.Outcome)
		}
	}
	return joinNotes(out...)
}

func family(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return "ipv6"
	}
	return "ipv4"
}
