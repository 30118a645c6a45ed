package runner

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/smtpspec/smtpspec/checks"
	"github.com/smtpspec/smtpspec/transcript"
)

// connect tries the resolved addresses in order until one accepts a TCP
// connection, all within the stage's deadline; each failed attempt is
// noted, the last one decides the stage.
func (s *session) connect() transcript.StageResult {
	budget := s.budget(checks.Connect)
	ctx, cancel := context.WithTimeout(s.ctx, budget)
	defer cancel()
	var failed []string
	var last *transcript.Error
	for _, a := range s.addrs {
		addr := net.JoinHostPort(a, strconv.Itoa(s.port))
		conn, err := s.opts.Dial(ctx, "tcp", addr)
		if err == nil {
			s.c = newClient(s.ctx, conn, addr, s.rec)
			return transcript.StageResult{Status: transcript.Pass, Addr: addr, Note: joinNotes(failed...)}
		}
		last = classify(s.ctx, err, addr, fmt.Sprintf("no connection to %s within %s", addr, budget))
		failed = append(failed, fmt.Sprintf("%s %s", addr, last.Kind))
		if ctx.Err() != nil {
			break
		}
	}
	if last == nil {
		last = &transcript.Error{Kind: transcript.KindDNS, Text: "no address to connect to"}
	}
	r := transcript.StageResult{Status: transcript.Fail, Err: last}
	if len(failed) > 1 {
		r.Note = "tried " + joinNotes(failed...)
	}
	return r
}
